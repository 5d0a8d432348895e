// Deployment status as Kubernetes computes it (sync.go calculateStatus,
// progress.go syncRolloutStatus, deployment_util.go conditions): the counts
// `kubectl rollout status` waits on, and the Available / Progressing conditions
// with their reasons, including the progress deadline.
import type { Condition } from '../api/meta.js';
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from '../api/types/index.js';
import {
  actualReplicaCount, availableReplicaCount, deploymentReplicas, maxUnavailable, readyReplicaCount, replicaCount,
} from './deployment-rollout.js';
import { semanticEqual } from './pod-template-hash.js';
import { formatTime } from '../api/time.js';

export const AVAILABLE = 'Available';
export const PROGRESSING = 'Progressing';
export const REPLICA_FAILURE = 'ReplicaFailure';

export const Reasons = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  failedRSCreate: 'ReplicaSetCreateError',
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** Kubernetes' "no deadline" value. */
const MAX_INT32 = 2147483647;

export function newCondition(type: string, status: Condition['status'], reason: string, message: string, now: number): DeploymentCondition {
  const t = formatTime(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function getCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * Adds or replaces a condition; the same status and reason leave it untouched,
 * and lastTransitionTime survives as long as the status does not change.
 */
export function setCondition(status: DeploymentStatus, cond: DeploymentCondition): void {
  const current = getCondition(status, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return;
  const next = { ...cond };
  if (current && current.status === cond.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
}

export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec.progressDeadlineSeconds;
  return s !== undefined && s !== null && s !== MAX_INT32;
}

/** Counts from the ReplicaSets, the previous conditions, and Available (calculateStatus). */
export function calculateStatus(d: Deployment, allRSs: Array<ReplicaSet | undefined>, newRS: ReplicaSet | undefined, now: number): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const total = replicaCount(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    conditions: (d.status?.conditions ?? []).map((c) => ({ ...c })),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (available >= deploymentReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition(AVAILABLE, 'True', Reasons.minimumAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition(AVAILABLE, 'False', Reasons.minimumUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

/** Every replica updated, existing and available, and the latest spec observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const want = deploymentReplicas(d);
  return (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) === want &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** Something moved since the last status: more updated/ready/available pods or fewer old ones. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** No progress for progressDeadlineSeconds since the Progressing condition last moved. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(s, PROGRESSING);
  if (!cond) return false;
  if (cond.reason === Reasons.newRSAvailable) return false;
  if (cond.reason === Reasons.timedOut) return true;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return false;
  return from + (d.spec.progressDeadlineSeconds ?? 0) * 1000 < now;
}

function replicaFailures(allRSs: Array<ReplicaSet | undefined>, newRS: ReplicaSet | undefined): DeploymentCondition[] {
  const convert = (c: Condition): DeploymentCondition => ({
    type: c.type, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message,
  });
  const fromNew = (newRS?.status?.conditions ?? []).filter((c) => c.type === REPLICA_FAILURE).map(convert);
  if (fromNew.length) return fromNew;
  return allRSs.flatMap((rs) => (rs?.status?.conditions ?? []).filter((c) => c.type === REPLICA_FAILURE).map(convert));
}

/**
 * The status to write during a rollout (syncRolloutStatus): counts plus the
 * Progressing condition — NewReplicaSetAvailable when complete, ReplicaSetUpdated
 * (refreshing lastUpdateTime) on progress, ProgressDeadlineExceeded when stuck.
 */
export function rolloutStatus(d: Deployment, allRSs: Array<ReplicaSet | undefined>, newRS: ReplicaSet | undefined, now: number): DeploymentStatus {
  const status = calculateStatus(d, allRSs, newRS, now);
  if (!hasProgressDeadline(d)) removeCondition(status, PROGRESSING);
  const current = getCondition(d.status, PROGRESSING);
  const alreadyComplete = status.replicas === status.updatedReplicas && current?.reason === Reasons.newRSAvailable;
  if (hasProgressDeadline(d) && !alreadyComplete) {
    const name = d.metadata.name;
    if (deploymentComplete(d, status)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : `Deployment "${name}" has successfully progressed.`;
      setCondition(status, newCondition(PROGRESSING, 'True', Reasons.newRSAvailable, msg, now));
    } else if (deploymentProgressing(d, status)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${name}" is progressing.`;
      const cond = newCondition(PROGRESSING, 'True', Reasons.rsUpdated, msg, now);
      // Progress refreshes lastUpdateTime even with an unchanged reason; the transition time stays.
      if (current) {
        if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, PROGRESSING);
      }
      setCondition(status, cond);
    } else if (deploymentTimedOut(d, status, now)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` : `Deployment "${name}" has timed out progressing.`;
      setCondition(status, newCondition(PROGRESSING, 'False', Reasons.timedOut, msg, now));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  if (failures.length) setCondition(status, failures[0]);
  else removeCondition(status, REPLICA_FAILURE);
  return status;
}

/**
 * When to look again at a rollout that made no progress, so the deadline is noticed
 * without waiting for an event (requeueStuckDeployment): ms from now, or undefined.
 */
export function stuckRequeueMs(d: Deployment, s: DeploymentStatus, now: number): number | undefined {
  const cond = getCondition(d.status, PROGRESSING);
  if (!hasProgressDeadline(d) || !cond) return undefined;
  if (deploymentComplete(d, s) || cond.reason === Reasons.timedOut) return undefined;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return undefined;
  const after = from + (d.spec.progressDeadlineSeconds ?? 0) * 1000 - now;
  return after < 1000 ? 1000 : after;
}

/**
 * The status with the Progressing condition switched to DeploymentPaused or
 * DeploymentResumed when spec.paused flipped (checkPausedConditions); undefined if nothing changes.
 */
export function pausedConditionStatus(d: Deployment, now: number): DeploymentStatus | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  const cond = getCondition(d.status, PROGRESSING);
  // A reported timeout stays visible; pausing does not hide it.
  if (cond?.reason === Reasons.timedOut) return undefined;
  const pausedShown = cond?.reason === Reasons.paused;
  const status: DeploymentStatus = { ...(d.status ?? {}), conditions: [...(d.status?.conditions ?? [])] };
  if (d.spec.paused && !pausedShown) {
    setCondition(status, newCondition(PROGRESSING, 'Unknown', Reasons.paused, 'Deployment is paused', now));
    return status;
  }
  if (!d.spec.paused && pausedShown) {
    setCondition(status, newCondition(PROGRESSING, 'Unknown', Reasons.resumed, 'Deployment is resumed', now));
    return status;
  }
  return undefined;
}

/** The status as it goes on the wire: zero counts omitted, like Kubernetes' omitempty. */
export function compactStatus(s: DeploymentStatus): DeploymentStatus {
  const out: DeploymentStatus = {};
  for (const k of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) {
    if (s[k]) out[k] = s[k];
  }
  if (s.conditions?.length) out.conditions = s.conditions;
  if (s.collisionCount !== undefined) out.collisionCount = s.collisionCount;
  return out;
}

export function deploymentStatusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  return semanticEqual(compactStatus(a ?? {}), compactStatus(b ?? {}));
}
