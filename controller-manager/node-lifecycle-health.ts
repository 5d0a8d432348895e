// Decisions about node health: when a kubelet counts as silent, and what its
// conditions become then. Pure, so the timing rules are tested without clocks.
import type { Lease, Node, NodeCondition } from '../api/types/index.js';
import type { ConditionStatus } from '../api/types/index.js';
import { formatTime } from '../api/time.js';

/** Conditions the kubelet owns; all of them go Unknown when it stops reporting. */
export const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

export const REASON_UNKNOWN = 'NodeStatusUnknown';
export const MESSAGE_UNKNOWN = 'Kubelet stopped posting node status.';
export const REASON_NEVER_UPDATED = 'NodeStatusNeverUpdated';
export const MESSAGE_NEVER_UPDATED = 'Kubelet never posted node status.';

/**
 * When the kubelet's heartbeats were last seen to change. Times are this
 * process's clock, not the kubelet's, so clock skew between hosts cannot make a
 * live node look dead (the same choice Kubernetes makes with probeTimestamp).
 */
export interface HeartbeatObservation {
  signature: string;
  observedAt: number;
}

/** The heartbeat values a live kubelet keeps changing: its Lease renewTime and the Ready heartbeat. */
export function heartbeatSignature(node: Node, lease: Lease | undefined): string {
  const ready = findCondition(node.status?.conditions, 'Ready');
  return `${lease?.metadata.uid ?? ''}|${lease?.spec?.renewTime ?? ''}|${ready?.lastHeartbeatTime ?? ''}`;
}

/** First sight or a changed signature restarts the grace period. */
export function observeHeartbeat(prev: HeartbeatObservation | undefined, signature: string, nowMs: number): HeartbeatObservation {
  if (prev && prev.signature === signature) return prev;
  return { signature, observedAt: nowMs };
}

export function isHeartbeatStale(obs: HeartbeatObservation, nowMs: number, graceMs: number): boolean {
  return nowMs - obs.observedAt > graceMs;
}

/** Milliseconds until the observation goes stale (0 when it already is). */
export function msUntilStale(obs: HeartbeatObservation, nowMs: number, graceMs: number): number {
  return Math.max(0, obs.observedAt + graceMs + 1 - nowMs);
}

export function findCondition<C extends { type: string }>(conditions: C[] | undefined, type: string): C | undefined {
  return conditions?.find((c) => c.type === type);
}

/** Ready status as the node reports it; undefined when the kubelet never posted one. */
export function readyStatus(node: Node): ConditionStatus | undefined {
  return findCondition(node.status?.conditions, 'Ready')?.status;
}

/**
 * The conditions of a node whose kubelet went silent: every kubelet-owned
 * condition becomes Unknown (heartbeat kept, so the last sign of life stays
 * visible). Returns undefined when nothing changes, so callers skip the write.
 */
export function markConditionsUnknown(
  conditions: NodeCondition[] | undefined,
  now: string,
  creationTimestamp: string | undefined,
): NodeCondition[] | undefined {
  const out = (conditions ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const type of KUBELET_CONDITIONS) {
    const cur = out.find((c) => c.type === type);
    if (!cur) {
      out.push({
        type, status: 'Unknown', reason: REASON_NEVER_UPDATED, message: MESSAGE_NEVER_UPDATED,
        lastHeartbeatTime: creationTimestamp ?? now, lastTransitionTime: now,
      });
      changed = true;
    } else if (cur.status !== 'Unknown') {
      cur.status = 'Unknown';
      cur.reason = REASON_UNKNOWN;
      cur.message = MESSAGE_UNKNOWN;
      cur.lastTransitionTime = now;
      changed = true;
    }
  }
  return changed ? out : undefined;
}

