// Which PersistentVolume a claim may bind to, as Kubernetes' FindMatchingVolume
// decides: a volume pre-bound to the claim wins; otherwise the smallest
// Available, unclaimed volume with enough capacity, a superset of the claim's
// access modes, the same volume mode and storage class, labels the claim's
// selector accepts, and (once a node is chosen) node affinity to that node.
import { matches, selectorFromLabelSelector } from '../api/labels.js';
import { nodeSelectorMatches, type NodeIdentity } from '../api/node-selector.js';
import { Quantity } from '../api/quantity.js';
import type { PersistentVolume, PersistentVolumeClaim } from '../api/types/index.js';

export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

export function volumeClass(pv: PersistentVolume): string {
  return pv.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? pv.spec.storageClassName ?? '';
}

export function claimClass(pvc: PersistentVolumeClaim): string {
  return pvc.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? pvc.spec.storageClassName ?? '';
}

function quantity(v: string | number | undefined): Quantity | undefined {
  return v === undefined ? undefined : Quantity.tryParse(String(v));
}

export function requestedStorage(pvc: PersistentVolumeClaim): Quantity {
  return quantity(pvc.spec.resources?.requests?.storage) ?? Quantity.zero();
}

export function volumeStorage(pv: PersistentVolume): Quantity {
  return quantity(pv.spec.capacity?.storage) ?? Quantity.zero();
}

/** The claim's name and namespace, and its uid unless the reference leaves it open (IsVolumeBoundToClaim). */
export function isVolumeBoundToClaim(pv: PersistentVolume, pvc: PersistentVolumeClaim): boolean {
  const ref = pv.spec.claimRef;
  if (!ref || ref.name !== pvc.metadata.name || (ref.namespace ?? '') !== (pvc.metadata.namespace ?? '')) return false;
  return !ref.uid || ref.uid === pvc.metadata.uid;
}

export function accessModesSatisfied(pvc: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  const have = new Set(pv.spec.accessModes ?? []);
  return (pvc.spec.accessModes ?? []).every((m) => have.has(m));
}

export function volumeModeMismatch(pvc: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  return (pvc.spec.volumeMode ?? 'Filesystem') !== (pv.spec.volumeMode ?? 'Filesystem');
}

export function nodeAffinityAllows(pv: PersistentVolume, node: NodeIdentity): boolean {
  return nodeSelectorMatches(pv.spec.nodeAffinity?.required, node);
}

function selectorAccepts(pvc: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  if (!pvc.spec.selector) return true;
  try {
    return matches(selectorFromLabelSelector(pvc.spec.selector), pv.metadata.labels);
  } catch {
    return false;
  }
}

/**
 * Why a volume the claim names cannot serve it (checkVolumeSatisfyClaim), or
 * undefined when it can. Used when a claim asks for a volume by name.
 */
export function volumeUnsatisfiedReason(pv: PersistentVolume, pvc: PersistentVolumeClaim): string | undefined {
  if (volumeStorage(pv).cmp(requestedStorage(pvc)) < 0) return 'requested PV is too small';
  if (volumeClass(pv) !== claimClass(pvc)) return 'storageClassName does not match';
  if (volumeModeMismatch(pvc, pv)) return 'incompatible volumeMode';
  if (!accessModesSatisfied(pvc, pv)) return 'incompatible accessMode';
  return undefined;
}

export interface MatchOptions {
  /** the class binds on first consumer: only volumes pre-bound to the claim, until a node is chosen */
  delayBinding: boolean;
  /** the node chosen for the claim's first consumer */
  node?: NodeIdentity;
}

/** The volume the claim should bind to, if any. */
export function findBestMatch(pvc: PersistentVolumeClaim, volumes: readonly PersistentVolume[], opts: MatchOptions): PersistentVolume | undefined {
  const requested = requestedStorage(pvc);
  const wantClass = claimClass(pvc);
  let best: PersistentVolume | undefined;
  let bestSize: Quantity | undefined;
  for (const pv of volumes) {
    const size = volumeStorage(pv);
    if (size.cmp(requested) < 0) continue;
    if (volumeModeMismatch(pvc, pv)) continue;
    if (pv.metadata.deletionTimestamp) continue;
    const affinityOk = !opts.node || nodeAffinityAllows(pv, opts.node);
    if (isVolumeBoundToClaim(pv, pvc)) {
      // A volume meant for this claim is the answer, or there is none.
      return affinityOk ? pv : undefined;
    }
    if (opts.delayBinding && !opts.node) continue;
    if (pv.status?.phase !== 'Available' || pv.spec.claimRef) continue;
    if (!selectorAccepts(pvc, pv)) continue;
    if (volumeClass(pv) !== wantClass) continue;
    if (!affinityOk) continue;
    if (!accessModesSatisfied(pvc, pv)) continue;
    if (!bestSize || bestSize.cmp(size) > 0) {
      best = pv;
      bestSize = size;
    }
  }
  return best;
}
