// What the scheduler tells users, worded like kube-scheduler: event messages
// and the PodScheduled=False condition on pods that don't fit.
import type { Pod, PodCondition } from '../api/types/index.js';
import type { Diagnosis } from './framework.js';
import { formatTime } from '../api/time.js';

export const NO_NODES_MESSAGE = 'no nodes available to schedule pods';

/** `0/3 nodes are available: 1 node(s) had untolerated taint {a: b}, 2 Insufficient cpu.` */
export function fitErrorMessage(d: Diagnosis): string {
  if (d.numAllNodes === 0) return NO_NODES_MESSAGE;
  const reasons = [...d.reasons].map(([reason, n]) => `${n} ${reason}`);
  // Kubernetes sorts the "count reason" strings as plain strings.
  reasons.sort();
  let msg = `0/${d.numAllNodes} nodes are available`;
  msg += reasons.length ? `: ${reasons.join(', ')}.` : '.';
  return msg;
}

export function scheduledMessage(namespace: string, name: string, node: string): string {
  return `Successfully assigned ${namespace}/${name} to ${node}`;
}

export function bindFailedMessage(err: unknown): string {
  return `Binding rejected: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * The status merge patch that sets PodScheduled=False, or undefined when the
 * pod already says exactly that. A merge patch replaces the whole conditions
 * list, so the other conditions are carried over.
 */
export function unschedulableConditionPatch(
  pod: Pod,
  reason: string,
  message: string,
  now = Date.now(),
): { status: { conditions: PodCondition[] } } | undefined {
  const conditions = pod.status?.conditions ?? [];
  const old = conditions.find((c) => c.type === 'PodScheduled');
  if (old && old.status === 'False' && old.reason === reason && old.message === message) return undefined;
  const next: PodCondition = {
    type: 'PodScheduled',
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: old?.status === 'False' && old.lastTransitionTime ? old.lastTransitionTime : formatTime(now),
    reason,
    message,
  };
  return { status: { conditions: [...conditions.filter((c) => c.type !== 'PodScheduled'), next] } };
}
