// Pod informer events of a controller that owns pods through a controllerRef and
// counts its creates/deletes with expectations (ReplicaSet/RC, DaemonSet), as
// client-go's ReplicaSet controller handles them: find the owner from the ref,
// or, for orphans, every owner whose selector matches (so one can adopt it).
import { objectKey, type KubeObject, type OwnerReference } from '../api/meta.js';
import type { Pod } from '../api/types/index.js';
import { getControllerOf } from './controller-ref.js';
import { isPodReady } from './pod-control.js';
import { semanticEqual } from './pod-template-hash.js';

export interface PodOwnerHooks<T> {
  /** the live owner a controllerRef points at (same kind, name and uid), if any */
  resolve(namespace: string | undefined, ref: OwnerReference): T | undefined;
  /** owners in the pod's namespace whose (non-empty) selector matches its labels */
  selecting(pod: Pod): T[];
  enqueue(owner: T): void;
  enqueueAfter(owner: T, ms: number): void;
  minReadySeconds(owner: T): number;
  creationObserved(ownerKey: string): void;
  deletionObserved(ownerKey: string, podKey: string): void;
}

export function podAdded<T extends KubeObject>(h: PodOwnerHooks<T>, pod: Pod): void {
  // A pod already being deleted when first seen (e.g. after a restart) is a pending deletion.
  if (pod.metadata.deletionTimestamp) {
    podDeleted(h, pod);
    return;
  }
  const ref = getControllerOf(pod);
  if (ref) {
    const owner = h.resolve(pod.metadata.namespace, ref);
    if (!owner) return;
    h.creationObserved(objectKey(owner));
    h.enqueue(owner);
    return;
  }
  for (const owner of h.selecting(pod)) h.enqueue(owner);
}

export function podUpdated<T extends KubeObject>(h: PodOwnerHooks<T>, old: Pod, cur: Pod): void {
  if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return; // periodic resync
  const labelsChanged = !semanticEqual(old.metadata.labels ?? {}, cur.metadata.labels ?? {});
  if (cur.metadata.deletionTimestamp) {
    // The kubelet deletes it for good later; the replacement can be made now.
    podDeleted(h, cur);
    if (labelsChanged) podDeleted(h, old);
    return;
  }
  const curRef = getControllerOf(cur);
  const oldRef = getControllerOf(old);
  const refChanged = curRef?.uid !== oldRef?.uid;
  if (refChanged && oldRef) {
    const owner = h.resolve(old.metadata.namespace, oldRef);
    if (owner) h.enqueue(owner);
  }
  if (curRef) {
    const owner = h.resolve(cur.metadata.namespace, curRef);
    if (!owner) return;
    h.enqueue(owner);
    // Availability changes with time alone: look again once minReadySeconds have passed.
    const minReady = h.minReadySeconds(owner);
    if (minReady > 0 && !isPodReady(old) && isPodReady(cur)) h.enqueueAfter(owner, minReady * 1000 + 1000);
    return;
  }
  if (labelsChanged || refChanged) for (const owner of h.selecting(cur)) h.enqueue(owner);
}

export function podDeleted<T extends KubeObject>(h: PodOwnerHooks<T>, pod: Pod): void {
  const ref = getControllerOf(pod);
  if (!ref) return;
  const owner = h.resolve(pod.metadata.namespace, ref);
  if (!owner) return;
  h.deletionObserved(objectKey(owner), objectKey(pod));
  h.enqueue(owner);
}
