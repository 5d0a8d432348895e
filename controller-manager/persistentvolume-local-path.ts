// The built-in local-path provisioner's decisions: the default StorageClass it
// ensures, and the hostPath volume it creates for a claim once the scheduler
// has chosen a node — `<root-dir>/local-path/<pv-name>` on that node, created
// by the kubelet on first mount (DirectoryOrCreate), with node affinity so the
// claim's pods always return to their data.
import {
  DEFAULT_CLASS_ANNOTATION, LOCAL_PATH_PROVISIONER, LOCAL_PATH_STORAGE_CLASS, localPathDir, ROOT_DIR_ANNOTATION,
} from '../api/local-path.js';
import type { Node, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/types/index.js';
import { ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, claimReference } from './persistentvolume-decide.js';
import { claimClass } from './persistentvolume-match.js';

export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

export function defaultStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: LOCAL_PATH_STORAGE_CLASS, annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
    provisioner: LOCAL_PATH_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}

/** The volume name for a claim (external-provisioner's `pvc-<claim uid>`). */
export function volumeNameFor(pvc: PersistentVolumeClaim): string {
  return `pvc-${pvc.metadata.uid}`;
}

export type ProvisionDecision =
  | { action: 'skip'; why: string }
  /** cannot provision (yet): tell the user why */
  | { action: 'fail'; reason: string; message: string }
  | { action: 'create'; volume: PersistentVolume };

/**
 * What the provisioner does for a claim: nothing unless it is unbound, of a
 * class of ours, and handed to us by the binder (storage-provisioner
 * annotation); then it needs the node the scheduler chose and that node's root dir.
 */
export function decideProvision(pvc: PersistentVolumeClaim, sc: StorageClass | undefined, node: Node | undefined): ProvisionDecision {
  if (pvc.spec.volumeName) return { action: 'skip', why: 'already bound' };
  if (pvc.metadata.deletionTimestamp) return { action: 'skip', why: 'being deleted' };
  if (!sc || sc.provisioner !== LOCAL_PATH_PROVISIONER) return { action: 'skip', why: 'not a local-path class' };
  if (claimClass(pvc) !== sc.metadata.name) return { action: 'skip', why: 'another class' };
  if (pvc.metadata.annotations?.[ANN_STORAGE_PROVISIONER] !== LOCAL_PATH_PROVISIONER) return { action: 'skip', why: 'not handed to this provisioner' };
  if (pvc.spec.volumeMode === 'Block') return { action: 'fail', reason: 'ProvisioningFailed', message: `${LOCAL_PATH_PROVISIONER} provides only Filesystem volumes` };
  const nodeName = pvc.metadata.annotations?.[ANN_SELECTED_NODE];
  if (!nodeName) {
    return {
      action: 'fail', reason: 'ProvisioningFailed',
      message: `${LOCAL_PATH_PROVISIONER} needs a node: use volumeBindingMode WaitForFirstConsumer so the scheduler picks one`,
    };
  }
  if (!node) return { action: 'fail', reason: 'ProvisioningFailed', message: `selected node "${nodeName}" not found` };
  const rootDir = node.metadata.annotations?.[ROOT_DIR_ANNOTATION];
  if (!rootDir || !rootDir.startsWith('/')) {
    return { action: 'fail', reason: 'ProvisioningFailed', message: `node "${nodeName}" does not publish its kubelet root dir (annotation ${ROOT_DIR_ANNOTATION})` };
  }
  const requests = pvc.spec.resources?.requests?.storage;
  if (requests === undefined) return { action: 'fail', reason: 'ProvisioningFailed', message: 'claim requests no storage' };
  const name = volumeNameFor(pvc);
  const hostname = node.metadata.labels?.[HOSTNAME_LABEL] ?? nodeName;
  const volume: PersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { [ANN_PROVISIONED_BY]: LOCAL_PATH_PROVISIONER } },
    spec: {
      capacity: { storage: String(requests) },
      accessModes: [...(pvc.spec.accessModes ?? ['ReadWriteOnce'])],
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: sc.metadata.name,
      volumeMode: 'Filesystem',
      hostPath: { path: localPathDir(rootDir, name), type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [hostname] }] }] } },
      claimRef: claimReference(pvc),
    },
  };
  if (sc.mountOptions?.length) volume.spec.mountOptions = [...sc.mountOptions];
  return { action: 'create', volume };
}
