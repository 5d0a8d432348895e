// Pod garbage collection decisions: pods no kubelet will ever confirm gone —
// terminating on a node that stopped working, or bound to a node that no longer
// exists — are force-deleted so their controllers can replace them.
import type { ConditionStatus } from '../api/types/index.js';

/** A silent kubelet cannot confirm a deletion; give it only this long. */
export const TERMINATING_ON_UNREACHABLE_NODE_MS = 5_000;
/** A node must stay missing this long before its pods go (a kubelet may re-register it). */
export const ORPHAN_QUARANTINE_MS = 5_000;

export type PodGcDecision = { action: 'none' } | { action: 'forceDelete' } | { action: 'recheck'; afterMs: number };

export interface TerminatingPodInput {
  deletionTimestamp: string | undefined;
  deletionGracePeriodSeconds: number | undefined;
  nodeReady: ConditionStatus | undefined;
  nowMs: number;
}

/**
 * A terminating pod on a node whose Ready is Unknown (kubelet silent) goes a
 * few seconds after deletion began; on a node reporting Ready=False (kubelet
 * alive but unwell) it goes when its grace period runs out. Healthy or never
 * reported nodes are left to their kubelet.
 */
export function decideTerminatingPod(i: TerminatingPodInput): PodGcDecision {
  if (!i.deletionTimestamp) return { action: 'none' };
  if (i.nodeReady !== 'Unknown' && i.nodeReady !== 'False') return { action: 'none' };
  const deadline = Date.parse(i.deletionTimestamp);
  if (Number.isNaN(deadline)) return { action: 'forceDelete' };
  let forceAt = deadline;
  if (i.nodeReady === 'Unknown') {
    const started = deadline - (i.deletionGracePeriodSeconds ?? 0) * 1000;
    forceAt = Math.min(deadline, started + TERMINATING_ON_UNREACHABLE_NODE_MS);
  }
  return forceAt <= i.nowMs ? { action: 'forceDelete' } : { action: 'recheck', afterMs: forceAt - i.nowMs };
}

/** A pod whose node has been confirmed missing since `missingSinceMs`. */
export function decideOrphanPod(missingSinceMs: number, nowMs: number, quarantineMs = ORPHAN_QUARANTINE_MS): PodGcDecision {
  const left = missingSinceMs + quarantineMs - nowMs;
  return left <= 0 ? { action: 'forceDelete' } : { action: 'recheck', afterMs: left };
}
