// PersistentVolumeClaim rows: a port of printPersistentVolumeClaim.

import type { KubeObject } from '../../api/meta.js';
import { at, has, optStr, str } from './accessors.js';
import { AGE, NAME, col, wide } from './columns.js';
import { translateTimestampSince } from './duration.js';
import { accessModesString } from './format.js';
import { BETA_STORAGE_CLASS_ANNOTATION, quantity } from './persistentvolumes.js';
import type { Printer } from './types.js';

function storageClass(pvc: KubeObject): string {
  return pvc.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? str(pvc.spec, 'storageClassName');
}

export const persistentVolumeClaimPrinter: Printer = {
  columns: [
    NAME,
    col('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
    col('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    col('Capacity', 'capacity represents the actual resources of the underlying volume.'),
    col('Access Modes', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    col('StorageClass', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
    AGE,
    wide('VolumeMode', 'volumeMode defines what type of volume is required by the claim.'),
  ],
  cells(pvc, now) {
    const volumeName = str(pvc.spec, 'volumeName');
    // Capacity and modes are only meaningful once bound.
    const bound = volumeName !== '';
    return [
      pvc.metadata.name ?? '',
      has(pvc.metadata, 'deletionTimestamp') ? 'Terminating' : str(pvc.status, 'phase'),
      volumeName,
      bound ? quantity(at(pvc.status, 'capacity', 'storage')) : '',
      bound ? accessModesString(at(pvc.status, 'accessModes')) : '',
      storageClass(pvc),
      optStr(pvc.spec, 'volumeAttributesClassName') ?? '<unset>',
      translateTimestampSince(pvc.metadata.creationTimestamp, now),
      optStr(pvc.spec, 'volumeMode') ?? '<unset>',
    ];
  },
};
