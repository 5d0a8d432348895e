// PersistentVolume rows: a port of printPersistentVolume.

import type { KubeObject } from '../../api/meta.js';
import { at, has, optStr, str } from './accessors.js';
import { AGE, NAME, col, wide } from './columns.js';
import { translateTimestampSince } from './duration.js';
import { accessModesString } from './format.js';
import type { Printer } from './types.js';

/** The beta annotation still overrides spec.storageClassName, as in helper.GetPersistentVolumeClass. */
export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** A missing quantity prints as Go's zero Quantity. */
export function quantity(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : '0';
}

function storageClass(pv: KubeObject): string {
  return pv.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? str(pv.spec, 'storageClassName');
}

export const persistentVolumePrinter: Printer = {
  columns: [
    NAME,
    col('Capacity', "capacity is the description of the persistent volume's resources and capacity."),
    col('Access Modes', 'accessModes contains all ways the volume can be mounted.'),
    col('Reclaim Policy', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'),
    col('Status', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    col('Claim', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
    col('StorageClass', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
    col('Reason', 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
    AGE,
    wide('VolumeMode', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.'),
  ],
  cells(pv, now) {
    const claim = has(pv.spec, 'claimRef') ? `${str(pv.spec, 'claimRef', 'namespace')}/${str(pv.spec, 'claimRef', 'name')}` : '';
    return [
      pv.metadata.name ?? '',
      quantity(at(pv.spec, 'capacity', 'storage')),
      accessModesString(at(pv.spec, 'accessModes')),
      str(pv.spec, 'persistentVolumeReclaimPolicy'),
      has(pv.metadata, 'deletionTimestamp') ? 'Terminating' : str(pv.status, 'phase'),
      claim,
      storageClass(pv),
      optStr(pv.spec, 'volumeAttributesClassName') ?? '<unset>',
      str(pv.status, 'reason'),
      translateTimestampSince(pv.metadata.creationTimestamp, now),
      optStr(pv.spec, 'volumeMode') ?? '<unset>',
    ];
  },
};
