// Pure decisions of the Job controller about status (Kubernetes'
// job_controller.go): which finished pods are not counted yet, whether the Job
// fails (backoff limit, deadline) or met its completions, the conditions
// (interim SuccessCriteriaMet/FailureTarget, then Complete/Failed once no pod
// is left terminating or uncounted), and when a finished Job's TTL runs out.
import type { Job, JobCondition, JobStatus, Pod } from '../api/types/index.js';
import { getCompletionIndex, UNKNOWN_INDEX } from './job-indexes.js';
import { formatTime } from '../api/time.js';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** At most this many pods enter status.uncountedTerminatedPods per sync (keeps status small). */
export const MAX_UNCOUNTED_PODS = 500;

export const COMPLETE = 'Complete';
export const FAILED = 'Failed';
export const FAILURE_TARGET = 'FailureTarget';
export const SUCCESS_CRITERIA_MET = 'SuccessCriteriaMet';
export const SUSPENDED = 'Suspended';

export const Reasons = {
  backoffLimitExceeded: 'BackoffLimitExceeded',
  deadlineExceeded: 'DeadlineExceeded',
  completionsReached: 'CompletionsReached',
} as const;

export function hasTrackingFinalizer(pod: Pod): boolean {
  return pod.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;
}

export function isIndexed(job: Job): boolean {
  return job.spec.completionMode === 'Indexed';
}

export function isSuspended(job: Job): boolean {
  return job.spec.suspend === true;
}

export function findCondition(job: Job, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type);
}

function conditionTrue(job: Job, type: string): boolean {
  return findCondition(job, type)?.status === 'True';
}

/** Complete or Failed (True): the Job controller's work on it is over. */
export function finishedType(job: Job): 'Complete' | 'Failed' | undefined {
  for (const c of job.status?.conditions ?? []) {
    if ((c.type === COMPLETE || c.type === FAILED) && c.status === 'True') return c.type;
  }
  return undefined;
}

export function newCondition(type: string, status: JobCondition['status'], reason: string, message: string, now: number): JobCondition {
  const t = formatTime(now);
  const c: JobCondition = { type, status, lastProbeTime: t, lastTransitionTime: t };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

/**
 * Sets a condition's status/reason/message (Kubernetes' ensureJobConditionStatus):
 * a missing condition is only added when not False. Returns whether anything changed.
 */
export function ensureCondition(status: JobStatus, type: string, cs: JobCondition['status'], reason: string, message: string, now: number): boolean {
  const list = status.conditions ?? [];
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i];
    if (c.status === cs && (c.reason ?? '') === reason && (c.message ?? '') === message) return false;
    status.conditions = list.map((x, j) => (j === i ? newCondition(type, cs, reason, message, now) : x));
    return true;
  }
  if (cs === 'False') return false;
  status.conditions = [...list, newCondition(type, cs, reason, message, now)];
  return true;
}

/** Pods whose failure is only known through a deletion count as failed too, unless only failed pods are replaced. */
export function onlyReplaceFailedPods(job: Job): boolean {
  return job.spec.podReplacementPolicy === 'Failed' || job.spec.podFailurePolicy !== undefined;
}

export function isPodFailed(pod: Pod, job: Job): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return pod.metadata.deletionTimestamp !== undefined && pod.status?.phase !== 'Succeeded';
}

/** Being deleted and not yet in a terminal phase. */
export function isPodTerminating(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return pod.metadata.deletionTimestamp !== undefined && phase !== 'Succeeded' && phase !== 'Failed';
}

export interface UncountedSets {
  succeeded: Set<string>;
  failed: Set<string>;
}

export function uncountedSets(job: Job): UncountedSets {
  const u = job.status?.uncountedTerminatedPods;
  return { succeeded: new Set(u?.succeeded ?? []), failed: new Set(u?.failed ?? []) };
}

/**
 * Finished pods not yet reflected in the counters: they still carry the
 * tracking finalizer, are not in uncountedTerminatedPods, are not expected to
 * lose their finalizer, and (Indexed) have a valid index.
 */
export function newFinishedPods(job: Job, pods: Pod[], uncounted: UncountedSets, expectedRm: ReadonlySet<string>): { succeeded: Pod[]; failed: Pod[] } {
  const completions = job.spec.completions ?? 0;
  const valid = (p: Pod): boolean => {
    const uid = p.metadata.uid ?? '';
    if (!hasTrackingFinalizer(p) || expectedRm.has(uid)) return false;
    if (!isIndexed(job)) return true;
    const ix = getCompletionIndex(p);
    return ix !== UNKNOWN_INDEX && ix < completions;
  };
  const succeeded = pods.filter((p) => valid(p) && !uncounted.succeeded.has(p.metadata.uid ?? '') && p.status?.phase === 'Succeeded');
  const failed = pods.filter((p) => valid(p) && !uncounted.failed.has(p.metadata.uid ?? '') && isPodFailed(p, job));
  return { succeeded, failed };
}

/**
 * restartPolicy OnFailure: the kubelet restarts containers in place, so the
 * restarts of running/pending pods count towards backoffLimit.
 */
export function pastBackoffLimitOnFailure(job: Job, pods: Pod[]): boolean {
  if (job.spec.template.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    const phase = p.status?.phase;
    if (phase !== 'Running' && phase !== 'Pending') continue;
    for (const c of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += c.restartCount ?? 0;
  }
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/** ms left before activeDeadlineSeconds runs out; undefined when there is no running deadline. */
export function activeDeadlineLeftMs(job: Job, now: number): number | undefined {
  const ads = job.spec.activeDeadlineSeconds;
  const start = job.status?.startTime ? Date.parse(job.status.startTime) : NaN;
  if (ads === undefined || ads === null || Number.isNaN(start) || isSuspended(job)) return undefined;
  return start + ads * 1000 - now;
}

export interface FailureInput {
  job: Job;
  /** failures counted so far, including new and uncounted ones */
  failed: number;
  pods: Pod[];
  now: number;
}

/**
 * The condition a Job ends with, if it must stop now: one recorded in an
 * earlier sync (SuccessCriteriaMet, or FailureTarget turning into Failed), the
 * backoff limit, or the active deadline. `requeueMs` asks for a look when the
 * deadline will run out.
 */
export function finishDecision(i: FailureInput): { condition?: JobCondition; requeueMs?: number } {
  const { job, now } = i;
  const met = findCondition(job, SUCCESS_CRITERIA_MET);
  if (met?.status === 'True') return { condition: met };
  const target = findCondition(job, FAILURE_TARGET);
  if (target?.status === 'True') return { condition: newCondition(FAILED, 'True', target.reason ?? '', target.message ?? '', now) };
  const limit = job.spec.backoffLimit ?? 6;
  if (i.failed > limit || pastBackoffLimitOnFailure(job, i.pods)) {
    return { condition: newCondition(FAILURE_TARGET, 'True', Reasons.backoffLimitExceeded, 'Job has reached the specified backoff limit', now) };
  }
  const left = activeDeadlineLeftMs(job, now);
  if (left !== undefined && left <= 0) {
    return { condition: newCondition(FAILURE_TARGET, 'True', Reasons.deadlineExceeded, 'Job was active longer than specified deadline', now) };
  }
  return left !== undefined ? { requeueMs: left } : {};
}

/** How many pods should run now (Kubernetes' wantActive in manageJob). */
export function wantActive(job: Job, succeeded: number, active: number): number {
  const parallelism = job.spec.parallelism ?? 1;
  if (job.spec.completions === undefined || job.spec.completions === null) {
    // A work queue: once one pod succeeded, let the rest finish without replacements.
    return succeeded > 0 ? active : parallelism;
  }
  return Math.max(0, Math.min(job.spec.completions - succeeded, parallelism));
}

/** Success: enough completions (or, for a work queue, any) with nothing left running. */
export function isComplete(job: Job, succeeded: number, active: number): boolean {
  if (active !== 0) return false;
  if (job.spec.completions === undefined || job.spec.completions === null) return succeeded > 0;
  return succeeded >= job.spec.completions;
}

export function successCondition(now: number): JobCondition {
  return newCondition(SUCCESS_CRITERIA_MET, 'True', Reasons.completionsReached, 'Reached expected number of succeeded pods', now);
}

/**
 * May the tracking finalizer go (its pod then being counted)? When the Job is
 * being deleted or finishing, when the pod succeeded, or when it counts as failed.
 */
export function canRemoveFinalizer(job: Job, finishing: boolean, pod: Pod, considerFailed: boolean): boolean {
  return job.metadata.deletionTimestamp !== undefined || finishing || pod.status?.phase === 'Succeeded' || considerFailed;
}

export interface TrackInput {
  job: Job;
  /** sorted by completion index for Indexed Jobs */
  pods: Pod[];
  uncounted: UncountedSets;
  expectedRm: ReadonlySet<string>;
  /** the condition the Job is heading for, if any */
  finishing?: JobCondition;
  /** Indexed: status.completedIndexes as parsed */
  prevSucceededIndexes?: (ix: number) => boolean;
}

export interface TrackPlan {
  podsToRemoveFinalizer: Pod[];
  /** uids to add to uncountedTerminatedPods */
  newUncountedSucceeded: string[];
  newUncountedFailed: string[];
  /** Indexed: newly succeeded indexes, in order */
  newSucceededIndexes: number[];
  /** stopped early at MAX_UNCOUNTED_PODS */
  reachedMax: boolean;
}

/** Which finished pods go into uncountedTerminatedPods and lose their finalizer (trackJobStatusAndRemoveFinalizers). */
export function planTracking(i: TrackInput): TrackPlan {
  const { job, uncounted } = i;
  const indexed = isIndexed(job);
  const completions = job.spec.completions ?? 0;
  const plan: TrackPlan = { podsToRemoveFinalizer: [], newUncountedSucceeded: [], newUncountedFailed: [], newSucceededIndexes: [], reachedMax: false };
  const failing = i.finishing !== undefined && i.finishing.type !== SUCCESS_CRITERIA_MET;
  for (const pod of i.pods) {
    const uid = pod.metadata.uid ?? '';
    if (!hasTrackingFinalizer(pod) || i.expectedRm.has(uid)) continue;
    const considerFailed = isPodFailed(pod, job);
    if (!canRemoveFinalizer(job, i.finishing !== undefined, pod, considerFailed)) continue;
    plan.podsToRemoveFinalizer.push(pod);
    if (pod.status?.phase === 'Succeeded' && !uncounted.failed.has(uid)) {
      if (indexed) {
        const ix = getCompletionIndex(pod);
        if (ix !== UNKNOWN_INDEX && ix < completions && !i.prevSucceededIndexes?.(ix) && !plan.newSucceededIndexes.includes(ix)) plan.newSucceededIndexes.push(ix);
      } else if (!uncounted.succeeded.has(uid)) {
        plan.newUncountedSucceeded.push(uid);
      }
    } else if (considerFailed || failing) {
      // Once the Job is failing, every pod not yet terminated is a failure too.
      const ix = getCompletionIndex(pod);
      if (!uncounted.failed.has(uid) && (!indexed || (ix !== UNKNOWN_INDEX && ix < completions))) plan.newUncountedFailed.push(uid);
    }
    const n = plan.newSucceededIndexes.length + uncounted.succeeded.size + plan.newUncountedSucceeded.length + uncounted.failed.size + plan.newUncountedFailed.length;
    if (n >= MAX_UNCOUNTED_PODS) {
      plan.reachedMax = true;
      break;
    }
  }
  return plan;
}

/**
 * Moves uncounted uids whose pods no longer hold the finalizer (or are gone)
 * into the succeeded/failed counters. Returns whether the status changed.
 */
export function cleanUncounted(status: JobStatus, uidsWithFinalizer: ReadonlySet<string>): boolean {
  const u = status.uncountedTerminatedPods ?? {};
  let changed = false;
  const keep = (list: string[] | undefined): string[] => (list ?? []).filter((uid) => uidsWithFinalizer.has(uid));
  const s = keep(u.succeeded);
  if (s.length !== (u.succeeded ?? []).length) {
    status.succeeded = (status.succeeded ?? 0) + (u.succeeded ?? []).length - s.length;
    changed = true;
  }
  const f = keep(u.failed);
  if (f.length !== (u.failed ?? []).length) {
    status.failed = (status.failed ?? 0) + (u.failed ?? []).length - f.length;
    changed = true;
  }
  const next: { succeeded?: string[]; failed?: string[] } = {};
  if (s.length) next.succeeded = s;
  if (f.length) next.failed = f;
  status.uncountedTerminatedPods = next;
  return changed;
}

/**
 * Adds the final Complete/Failed condition once nothing is uncounted or
 * terminating; sets completionTime on success. Returns whether it did.
 */
export function enactFinished(status: JobStatus, finishing: JobCondition | undefined, now: number): boolean {
  if (!finishing) return false;
  const u = status.uncountedTerminatedPods;
  if ((u?.succeeded?.length ?? 0) + (u?.failed?.length ?? 0) > 0) return false;
  if ((status.terminating ?? 0) > 0) return false;
  ensureCondition(status, finishing.type, finishing.status, finishing.reason ?? '', finishing.message ?? '', now);
  if (finishing.type === COMPLETE) status.completionTime = findConditionIn(status, COMPLETE)?.lastTransitionTime ?? formatTime(now);
  return true;
}

function findConditionIn(status: JobStatus, type: string): JobCondition | undefined {
  return status.conditions?.find((c) => c.type === type);
}

/**
 * The interim condition to record now and the final one it leads to: with
 * Kubernetes ≥ 1.31, success first sets SuccessCriteriaMet and failure
 * FailureTarget, and Complete/Failed follow when the pods are all accounted for.
 */
export function interimAndFinal(status: JobStatus, finishing: JobCondition | undefined, now: number): { final?: JobCondition; changed: boolean } {
  if (!finishing) return { changed: false };
  if (finishing.type === FAILURE_TARGET) {
    const changed = ensureCondition(status, FAILURE_TARGET, 'True', finishing.reason ?? '', finishing.message ?? '', now);
    return { final: newCondition(FAILED, 'True', finishing.reason ?? '', finishing.message ?? '', now), changed };
  }
  if (finishing.type === SUCCESS_CRITERIA_MET) {
    const changed = findConditionIn(status, SUCCESS_CRITERIA_MET) ? false : ensureCondition(status, SUCCESS_CRITERIA_MET, 'True', finishing.reason ?? '', finishing.message ?? '', now);
    return { final: newCondition(COMPLETE, 'True', finishing.reason ?? '', finishing.message ?? '', now), changed };
  }
  return { final: finishing, changed: false };
}

/** When a finished Job's ttlSecondsAfterFinished runs out (ms since epoch); undefined when it has no TTL or is not finished. */
export function ttlExpiry(job: Job): number | undefined {
  const ttl = job.spec.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null) return undefined;
  const c = job.status?.conditions?.find((x) => (x.type === COMPLETE || x.type === FAILED) && x.status === 'True');
  if (!c?.lastTransitionTime) return undefined;
  const at = Date.parse(c.lastTransitionTime);
  return Number.isNaN(at) ? undefined : at + ttl * 1000;
}

/** What a reader sees in the status: counts as numbers, the rest as is. */
export function jobStatusEqual(a: JobStatus | undefined, b: JobStatus | undefined): boolean {
  const norm = (s: JobStatus | undefined): string => JSON.stringify({
    active: s?.active ?? 0, succeeded: s?.succeeded ?? 0, failed: s?.failed ?? 0, ready: s?.ready ?? 0, terminating: s?.terminating ?? 0,
    startTime: s?.startTime ?? null, completionTime: s?.completionTime ?? null, completedIndexes: s?.completedIndexes ?? '',
    conditions: s?.conditions ?? [],
    uncounted: { s: s?.uncountedTerminatedPods?.succeeded ?? [], f: s?.uncountedTerminatedPods?.failed ?? [] },
  });
  return norm(a) === norm(b);
}

/** Drops zero counters, as Kubernetes' omitempty does on the wire. */
export function compactStatus(s: JobStatus): JobStatus {
  const out: JobStatus = { ...s };
  for (const k of ['active', 'succeeded', 'failed'] as const) if (!out[k]) delete out[k];
  if (!out.completedIndexes) delete out.completedIndexes;
  if (!out.conditions?.length) delete out.conditions;
  return out;
}
