// When a pod on a NoExecute-tainted node must go: at once if it does not
// tolerate a taint, after tolerationSeconds (counted from the taint's timeAdded)
// if it does, never if its tolerations carry no time limit.
import type { Taint, Toleration } from '../api/types/index.js';
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from './node-lifecycle-taints.js';

/** Kubernetes' ToleratesTaint. */
export function tolerates(t: Toleration, taint: Pick<Taint, 'key' | 'value' | 'effect'>): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

export interface EvictionInput {
  taints: Taint[] | undefined;
  tolerations: Toleration[] | undefined;
  nowMs: number;
  /**
   * Applied to not-ready/unreachable taints a pod has no toleration for: the
   * apiserver normally adds this toleration to every pod, this covers pods that
   * slipped past it.
   */
  defaultTolerationSeconds: number;
  /** when a taint without timeAdded was first seen; defaults to now */
  firstSeenMs?: (taint: Taint) => number | undefined;
}

/**
 * Epoch ms at which the pod is to be deleted (at or before `nowMs` means now),
 * or undefined when no NoExecute taint ever evicts it.
 */
export function evictionTime(i: EvictionInput): number | undefined {
  let at: number | undefined;
  for (const taint of i.taints ?? []) {
    if (taint.effect !== 'NoExecute') continue;
    let matching = (i.tolerations ?? []).filter((t) => tolerates(t, taint));
    if (matching.length === 0) {
      if (taint.key !== TAINT_NOT_READY && taint.key !== TAINT_UNREACHABLE) return i.nowMs;
      matching = [{ key: taint.key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: i.defaultTolerationSeconds }];
    }
    const limits = matching.map((t) => t.tolerationSeconds).filter((s): s is number => typeof s === 'number');
    // A matching toleration without a limit tolerates the taint forever, unless
    // another matching one sets a limit (Kubernetes takes the smallest limit).
    if (limits.length === 0) continue;
    const seconds = Math.max(0, Math.min(...limits));
    const added = taintAddedMs(taint, i);
    const deadline = added + seconds * 1000;
    if (at === undefined || deadline < at) at = deadline;
  }
  return at;
}

function taintAddedMs(taint: Taint, i: EvictionInput): number {
  const parsed = taint.timeAdded ? Date.parse(taint.timeAdded) : NaN;
  if (!Number.isNaN(parsed)) return parsed;
  return i.firstSeenMs?.(taint) ?? i.nowMs;
}
