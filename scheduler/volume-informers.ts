// The storage objects the scheduler reads (claims, volumes, classes) from
// shared informers, and the changes to them that may let a waiting pod fit:
// a claim appearing or getting bound, a volume appearing or changing phase, a
// class appearing.
import { findResource } from '../api/resources.js';
import type { Node, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/types/index.js';
import type { Informer, InformerFactory } from '../client/index.js';
import type { VolumeLister } from './plugins/volume-binding.js';

const pvcsInfo = findResource('', 'v1', 'persistentvolumeclaims')!;
const pvsInfo = findResource('', 'v1', 'persistentvolumes')!;
const classesInfo = findResource('storage.k8s.io', 'v1', 'storageclasses')!;

/** `wake`: gives unschedulable pods another try. */
export function storageCaches(factory: InformerFactory, nodes: Informer<Node>, wake: () => void): VolumeLister {
  const claims = factory.get<PersistentVolumeClaim>(pvcsInfo);
  const volumes = factory.get<PersistentVolume>(pvsInfo);
  const classes = factory.get<StorageClass>(classesInfo);
  const retry = (): void => wake();
  claims.on('add', retry).on('update', (old, cur) => {
    if (old.spec.volumeName !== cur.spec.volumeName) retry();
  });
  volumes.on('add', retry).on('update', (old, cur) => {
    if (old.status?.phase !== cur.status?.phase) retry();
  });
  classes.on('add', retry);
  return {
    claim: (namespace, name) => claims.store.getByName(namespace, name),
    volume: (name) => volumes.store.getByName(undefined, name),
    storageClass: (name) => (name ? classes.store.getByName(undefined, name) : undefined),
    nodeLabels: (name) => nodes.store.getByName(undefined, name)?.metadata.labels,
  };
}
