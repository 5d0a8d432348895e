// storage.k8s.io/v1 StorageClass rows: a port of printStorageClass.

import type { KubeObject } from '../../api/meta.js';
import { optBool, optStr, str } from './accessors.js';
import { AGE, NAME, col } from './columns.js';
import { translateTimestampSince } from './duration.js';
import type { Printer } from './types.js';

const DEFAULT_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

function isDefault(sc: KubeObject): boolean {
  return DEFAULT_ANNOTATIONS.some((a) => sc.metadata.annotations?.[a] === 'true');
}

export const storageClassPrinter: Printer = {
  columns: [
    NAME,
    col('Provisioner', 'provisioner indicates the type of the provisioner.'),
    col('ReclaimPolicy', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.'),
    col('VolumeBindingMode', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.'),
    col('AllowVolumeExpansion', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
    AGE,
  ],
  cells(sc, now) {
    const name = sc.metadata.name ?? '';
    return [
      isDefault(sc) ? `${name} (default)` : name,
      str(sc, 'provisioner'),
      optStr(sc, 'reclaimPolicy') ?? 'Delete',
      optStr(sc, 'volumeBindingMode') ?? 'Immediate',
      optBool(sc, 'allowVolumeExpansion') ?? false,
      translateTimestampSince(sc.metadata.creationTimestamp, now),
    ];
  },
};
