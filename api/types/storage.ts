// Wire shapes of storage.k8s.io/v1. PersistentVolume and PersistentVolumeClaim
// live in the core group (./core.ts) and are re-exported here for convenience.
import type { KubeObject } from '../meta.js';

export type {
  PersistentVolume,
  PersistentVolumeSpec,
  PersistentVolumeStatus,
  PersistentVolumeClaim,
  PersistentVolumeClaimSpec,
  PersistentVolumeClaimStatus,
} from './core.js';

export interface TopologySelectorTerm {
  matchLabelExpressions?: { key: string; values: string[] }[];
}

export interface StorageClass extends KubeObject {
  provisioner: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: 'Delete' | 'Retain';
  mountOptions?: string[];
  allowVolumeExpansion?: boolean;
  volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
  allowedTopologies?: TopologySelectorTerm[];
}
