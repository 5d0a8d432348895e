// Builders shared by the PersistentVolume unit tests.
import type { PersistentVolume, PersistentVolumeClaim } from '../api/types/index.js';

export function pv(name: string, storage: string, over: Partial<PersistentVolume['spec']> = {}, phase: NonNullable<PersistentVolume['status']>['phase'] = 'Available'): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, uid: `uid-${name}`, labels: {} },
    spec: { capacity: { storage }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/data/${name}` }, persistentVolumeReclaimPolicy: 'Retain', ...over },
    status: { phase },
  };
}

export function pvc(name: string, storage: string, over: Partial<PersistentVolumeClaim['spec']> = {}, annotations?: Record<string, string>): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '7', annotations },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, ...over },
    status: { phase: 'Pending' },
  };
}

export function claimRefTo(c: PersistentVolumeClaim, uid = c.metadata.uid): NonNullable<PersistentVolume['spec']['claimRef']> {
  return { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: c.metadata.namespace, name: c.metadata.name, uid };
}
