// The Job controller's pod-failure backoff (Kubernetes' backoff_utils.go): after
// N consecutive failures (since the last success) a replacement pod waits
// 10 s · 2^(N-1), at most 6 minutes, counted from when the last one finished.
// Like Kubernetes, the record lives in the controller's memory only.
import type { Pod } from '../api/types/index.js';

export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 6 * 60_000;

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  /** ms since epoch */
  lastFailureTime?: number;
}

function ms(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * When a pod finished: the latest container finish when every container has
 * one; else when Ready turned False; else deletion time minus grace period;
 * else its creation.
 */
export function podFinishedTime(pod: Pod): number {
  const statuses = pod.status?.containerStatuses ?? [];
  let latest: number | undefined;
  let allFinished = statuses.length > 0;
  for (const c of statuses) {
    const t = ms(c.state?.terminated?.finishedAt);
    if (t === undefined) {
      allFinished = false;
      break;
    }
    latest = latest === undefined ? t : Math.max(latest, t);
  }
  if (allFinished && latest !== undefined) return latest;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const readyFalse = ready?.status === 'False' ? ms(ready.lastTransitionTime) : undefined;
  if (readyFalse !== undefined) return readyFalse;
  const deletion = ms(pod.metadata.deletionTimestamp);
  if (deletion !== undefined) return deletion - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  return ms(pod.metadata.creationTimestamp) ?? 0;
}

/** The record after this sync's newly finished pods: a success resets it, failures after it count. */
export function nextBackoffRecord(prev: BackoffRecord | undefined, newSucceeded: Pod[], newFailed: Pod[]): BackoffRecord {
  const rec: BackoffRecord = { failuresAfterLastSuccess: prev?.failuresAfterLastSuccess ?? 0, lastFailureTime: prev?.lastFailureTime };
  const failedTimes = newFailed.map(podFinishedTime).sort((a, b) => a - b);
  if (newSucceeded.length === 0) {
    if (failedTimes.length === 0) return rec;
    return { failuresAfterLastSuccess: rec.failuresAfterLastSuccess + failedTimes.length, lastFailureTime: failedTimes[failedTimes.length - 1] };
  }
  const lastSuccess = Math.max(...newSucceeded.map(podFinishedTime));
  const after = failedTimes.filter((t) => t > lastSuccess);
  if (after.length === 0) return { failuresAfterLastSuccess: 0 };
  return { failuresAfterLastSuccess: after.length, lastFailureTime: after[after.length - 1] };
}

/** The backoff before the next pod after `failures` consecutive failures. */
export function backoffDelayMs(failures: number, baseMs = DEFAULT_POD_FAILURE_BACKOFF_MS, maxMs = MAX_POD_FAILURE_BACKOFF_MS): number {
  if (failures <= 0) return 0;
  let d = baseMs;
  for (let i = 1; i < failures; i++) {
    d *= 2;
    if (d >= maxMs) return maxMs;
  }
  return Math.min(d, maxMs);
}

/** How long pod creation must still wait; 0 when it may go ahead. */
export function backoffRemainingMs(rec: BackoffRecord, now: number): number {
  if (rec.failuresAfterLastSuccess === 0 || rec.lastFailureTime === undefined) return 0;
  const left = backoffDelayMs(rec.failuresAfterLastSuccess) - (now - rec.lastFailureTime);
  return left > 0 ? left : 0;
}
