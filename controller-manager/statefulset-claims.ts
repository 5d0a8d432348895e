// persistentVolumeClaimRetentionPolicy through ownerReferences, as Kubernetes
// does it: the garbage collector deletes a claim once all its owners are gone,
// so `whenDeleted: Delete` makes the set an owner of every claim, and
// `whenScaled: Delete` makes a scaled-down pod the owner of its claims just
// before that pod is deleted. With the default Retain/Retain neither is an owner.
import type { OwnerReference } from '../api/meta.js';
import type { PersistentVolumeClaim, Pod, StatefulSet } from '../api/types/index.js';

function retention(set: StatefulSet): { whenDeleted: string; whenScaled: string } {
  const p = set.spec.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted ?? 'Retain', whenScaled: p?.whenScaled ?? 'Retain' };
}

function setRef(set: StatefulSet): OwnerReference {
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata.name ?? '', uid: set.metadata.uid ?? '' };
}

function podRef(pod: Pod): OwnerReference {
  return { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' };
}

/**
 * The claim's ownerReferences under the set's policy (updateClaimOwnerRefForSetAndPod);
 * undefined when they are already right. `scaledDown`: the pod's ordinal is
 * beyond the wanted range. References to anyone else are kept as they are.
 */
export function claimOwnerRefs(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod | undefined, scaledDown: boolean): OwnerReference[] | undefined {
  const { whenDeleted, whenScaled } = retention(set);
  const wantSet = whenDeleted === 'Delete' && !(whenScaled === 'Delete' && scaledDown);
  const wantPod = whenScaled === 'Delete' && scaledDown && !!pod?.metadata.uid;
  const refs = claim.metadata.ownerReferences ?? [];
  const setUid = set.metadata.uid;
  const podUid = pod?.metadata.uid;
  let next = refs.filter((r) => (r.uid !== setUid || wantSet) && (r.uid !== podUid || wantPod));
  if (wantSet && setUid && !next.some((r) => r.uid === setUid)) next = [...next, setRef(set)];
  if (wantPod && pod && !next.some((r) => r.uid === podUid)) next = [...next, podRef(pod)];
  const same = next.length === refs.length && next.every((r, i) => r.uid === refs[i].uid);
  return same ? undefined : next;
}

/**
 * A claim still owned by a pod other than `podUid` (an earlier pod of this
 * ordinal that was scaled down): the garbage collector is about to delete it,
 * so a new pod must wait for that rather than mount a volume on its way out.
 */
export function hasStaleOwnerRef(claim: PersistentVolumeClaim, podUid?: string): boolean {
  return (claim.metadata.ownerReferences ?? []).some((r) => r.kind === 'Pod' && r.apiVersion === 'v1' && r.uid !== podUid);
}
