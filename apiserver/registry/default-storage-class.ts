// The DefaultStorageClass admission plugin: a new PersistentVolumeClaim that
// names no class (storageClassName unset — an explicit "" means "no class")
// gets the default StorageClass, the newest if several claim to be default.
import type { KubeObject } from '../../api/meta.js';
import { BETA_DEFAULT_CLASS_ANNOTATION, DEFAULT_CLASS_ANNOTATION } from '../../api/local-path.js';

const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

export function isDefaultClass(sc: KubeObject): boolean {
  const ann = sc.metadata.annotations ?? {};
  return ann[DEFAULT_CLASS_ANNOTATION] === 'true' || ann[BETA_DEFAULT_CLASS_ANNOTATION] === 'true';
}

/** The default class among these: the newest, then the first by name (GetDefaultClass). */
export function defaultClass(classes: readonly KubeObject[]): KubeObject | undefined {
  let best: KubeObject | undefined;
  for (const sc of classes) {
    if (!isDefaultClass(sc)) continue;
    if (!best) {
      best = sc;
      continue;
    }
    const a = sc.metadata.creationTimestamp ?? '';
    const b = best.metadata.creationTimestamp ?? '';
    if (a > b || (a === b && (sc.metadata.name ?? '') < (best.metadata.name ?? ''))) best = sc;
  }
  return best;
}

export function admitPersistentVolumeClaim(pvc: KubeObject, classes: readonly KubeObject[]): void {
  const spec = (pvc.spec ??= {}) as { storageClassName?: string | null };
  if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
  if (pvc.metadata.annotations?.[BETA_CLASS_ANNOTATION] !== undefined) return;
  const def = defaultClass(classes);
  if (def?.metadata.name) spec.storageClassName = def.metadata.name;
}
