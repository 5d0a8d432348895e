// What one StatefulSet sync does, as a pure function of the set, its two
// revisions and its pods — a port of Kubernetes' updateStatefulSet:
//  1. every wanted ordinal [start, start+replicas) gets its pod, in order; with
//     OrderedReady the next one is only created once all before it are Running
//     and Ready (and available), with Parallel all at once;
//  2. pods beyond the range are deleted from the highest ordinal down, one at a
//     time and only while no other pod is unhealthy (OrderedReady);
//  3. RollingUpdate deletes the highest-ordinal pod not at the update revision,
//     down to `partition`, one at a time, waiting for each to come back healthy;
//     OnDelete leaves pods alone until someone deletes them.
// Pods a sync creates take the current revision below the partition and the
// update revision from it on.
import type { Pod, StatefulSet, StatefulSetStatus } from '../api/types/index.js';
import { isPodAvailable, isPodReady } from './pod-control.js';
import { identityMatches, ordinalOf, replicasOf, revisionOfPod, startOrdinal, storageMatches } from './statefulset-identity.js';

export type StatefulAction =
  /** create the claims (if missing) and then the pod of this ordinal, from the named revision */
  | { kind: 'create'; ordinal: number; revision: 'current' | 'update' }
  /** delete a pod: it finished (Succeeded/Failed), is beyond the range, or is at an old revision */
  | { kind: 'delete'; pod: Pod; reason: 'finished' | 'scale-down' | 'update' }
  /** a pending pod whose claims may have gone missing: create them again */
  | { kind: 'ensureClaims'; pod: Pod }
  /** put back the identity labels someone removed or changed */
  | { kind: 'fixIdentity'; pod: Pod };

export interface PlanInput {
  set: StatefulSet;
  currentRevision: string;
  updateRevision: string;
  collisionCount?: number;
  /** the set's pods (claimed by it), any ordinal */
  pods: Pod[];
  now: number;
}

export interface Plan {
  actions: StatefulAction[];
  status: StatefulSetStatus;
  /** why the sync stopped early, for logs */
  waiting?: string;
}

// ---------------------------------------------------------------- pod state

export const isTerminating = (pod: Pod): boolean => !!pod.metadata.deletionTimestamp;
export const isFinished = (pod: Pod): boolean => pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
export const isRunningAndReady = (pod: Pod): boolean => pod.status?.phase === 'Running' && isPodReady(pod);
export const isRunningAndAvailable = (pod: Pod, minReadySeconds: number, now: number): boolean =>
  pod.status?.phase === 'Running' && isPodAvailable(pod, minReadySeconds, now);
export const isHealthy = (pod: Pod): boolean => isRunningAndReady(pod) && !isTerminating(pod);

/** One wanted ordinal: the pod that has it, or the revision a pod created for it would take. */
interface Slot {
  ordinal: number;
  pod?: Pod;
  revision: string;
}

/** Which revision a pod created now for `ordinal` takes (newVersionedStatefulSetPod). */
export function revisionForNewPod(set: StatefulSet, ordinal: number): 'current' | 'update' {
  const strategy = set.spec.updateStrategy;
  const start = startOrdinal(set);
  if (strategy?.type !== 'OnDelete' && !strategy?.rollingUpdate && ordinal < start + (set.status?.currentReplicas ?? 0)) return 'current';
  if (strategy?.rollingUpdate && ordinal < start + (strategy.rollingUpdate.partition ?? 0)) return 'current';
  return 'update';
}

/** Counts over the pods as they are (computeReplicaStatus). */
export function countStatus(pods: Pod[], minReadySeconds: number, current: string, update: string, now: number): Pick<
  StatefulSetStatus, 'replicas' | 'readyReplicas' | 'availableReplicas' | 'currentReplicas' | 'updatedReplicas'
> {
  let replicas = 0;
  let ready = 0;
  let available = 0;
  let currentReplicas = 0;
  let updated = 0;
  for (const pod of pods) {
    replicas++;
    if (isRunningAndReady(pod)) {
      ready++;
      if (isRunningAndAvailable(pod, minReadySeconds, now)) available++;
    }
    if (!isTerminating(pod)) {
      const rev = revisionOfPod(pod);
      if (rev === current) currentReplicas++;
      if (rev === update) updated++;
    }
  }
  return { replicas, readyReplicas: ready, availableReplicas: available, currentReplicas, updatedReplicas: updated };
}

/**
 * Once every pod is at the update revision and ready, the update revision
 * becomes the current one (completeRollingUpdate).
 */
export function completeRollingUpdate(set: StatefulSet, status: StatefulSetStatus): void {
  if ((set.spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
  if (status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}

export function planStatefulSet(input: PlanInput): Plan {
  const { set, now } = input;
  const minReady = set.spec.minReadySeconds ?? 0;
  const monotonic = set.spec.podManagementPolicy !== 'Parallel';
  const start = startOrdinal(set);
  const count = replicasOf(set);

  const status: StatefulSetStatus = {
    ...countStatus(input.pods, minReady, input.currentRevision, input.updateRevision, now),
    currentRevision: input.currentRevision,
    updateRevision: input.updateRevision,
  };
  if (set.metadata.generation) status.observedGeneration = set.metadata.generation;
  if (input.collisionCount !== undefined) status.collisionCount = input.collisionCount;
  const plan: Plan = { actions: [], status };
  const finish = (waiting?: string): Plan => {
    if (waiting) plan.waiting = waiting;
    completeRollingUpdate(set, status);
    return plan;
  };

  const byOrdinal = new Map<number, Pod>();
  const condemned: Pod[] = [];
  for (const pod of input.pods) {
    const ord = ordinalOf(pod);
    if (ord >= start && ord < start + count) byOrdinal.set(ord, pod);
    else if (ord >= 0) condemned.push(pod);
  }
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  const slots: Slot[] = [];
  for (let ord = start; ord < start + count; ord++) {
    const pod = byOrdinal.get(ord);
    const revision = pod ? revisionOfPod(pod) : revisionForNewPod(set, ord) === 'current' ? input.currentRevision : input.updateRevision;
    slots.push({ ordinal: ord, pod, revision });
  }
  if (set.metadata.deletionTimestamp) return finish('statefulset is being deleted');

  const slotHealthy = (s: Slot): boolean => !!s.pod && isHealthy(s.pod);
  let firstUnhealthy: Pod | undefined;
  let firstUnhealthySlot = false;
  for (const s of slots) {
    if (!slotHealthy(s)) {
      firstUnhealthySlot = true;
      firstUnhealthy = s.pod;
      break;
    }
  }
  if (!firstUnhealthySlot) {
    for (let i = condemned.length - 1; i >= 0; i--) {
      if (!isHealthy(condemned[i])) {
        firstUnhealthy = condemned[i];
        break;
      }
    }
  }

  // 1. the wanted ordinals
  for (const s of slots) {
    const pod = s.pod;
    if (!pod) {
      plan.actions.push({ kind: 'create', ordinal: s.ordinal, revision: revisionForNewPod(set, s.ordinal) });
      if (monotonic) return finish(`created pod of ordinal ${s.ordinal}; waiting for it to be Running and Ready`);
      continue;
    }
    if (isFinished(pod)) {
      // A new pod is made once this one is gone from the API.
      if (!isTerminating(pod)) plan.actions.push({ kind: 'delete', pod, reason: 'finished' });
      if (monotonic) return finish(`pod ${pod.metadata.name} finished; recreating it`);
      continue;
    }
    if (pod.status?.phase === 'Pending' || !storageMatches(set, pod)) plan.actions.push({ kind: 'ensureClaims', pod });
    if (monotonic && isTerminating(pod)) return finish(`pod ${pod.metadata.name} is terminating`);
    if (monotonic && !isRunningAndReady(pod)) return finish(`pod ${pod.metadata.name} is not Running and Ready`);
    if (monotonic && !isRunningAndAvailable(pod, minReady, now)) return finish(`pod ${pod.metadata.name} is not available yet`);
    if (!identityMatches(set, pod)) plan.actions.push({ kind: 'fixIdentity', pod });
  }

  // 2. scale down, highest ordinal first
  for (const pod of condemned) {
    if (isTerminating(pod)) {
      if (monotonic) return finish(`pod ${pod.metadata.name} is terminating`);
      continue;
    }
    if (monotonic && pod !== firstUnhealthy && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, now))) {
      return finish(`pod ${pod.metadata.name} is unhealthy; not scaling down past it`);
    }
    plan.actions.push({ kind: 'delete', pod, reason: 'scale-down' });
    if (monotonic) return finish(`scaling down: deleted ${pod.metadata.name}`);
  }

  // 3. rolling update, highest ordinal first, down to the partition
  const strategy = set.spec.updateStrategy;
  if (strategy?.type === 'OnDelete') return finish();
  const partition = strategy?.rollingUpdate?.partition ?? 0;
  for (let i = slots.length - 1; i >= partition; i--) {
    const s = slots[i];
    if (s.pod && s.revision !== input.updateRevision && !isTerminating(s.pod)) {
      plan.actions.push({ kind: 'delete', pod: s.pod, reason: 'update' });
      if (s.revision === input.currentRevision && (status.currentReplicas ?? 0) > 0) status.currentReplicas = (status.currentReplicas ?? 0) - 1;
      return finish(`rolling update: deleted ${s.pod.metadata.name}`);
    }
    if (!slotHealthy(s)) return finish(`rolling update: waiting for ordinal ${s.ordinal} to be healthy`);
  }
  return finish();
}
