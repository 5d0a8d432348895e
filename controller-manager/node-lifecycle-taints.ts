// Which taints the node lifecycle controller owns and what they should be for a
// node's Ready status (Kubernetes' TaintNodesByCondition + NoExecute tainting).
import type { ConditionStatus, Taint, TaintEffect } from '../api/types/index.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

const OWNED: ReadonlyArray<{ key: string; effect: TaintEffect }> = [
  { key: TAINT_NOT_READY, effect: 'NoSchedule' },
  { key: TAINT_NOT_READY, effect: 'NoExecute' },
  { key: TAINT_UNREACHABLE, effect: 'NoSchedule' },
  { key: TAINT_UNREACHABLE, effect: 'NoExecute' },
  { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' },
];

function owned(t: Pick<Taint, 'key' | 'effect'>): boolean {
  return OWNED.some((o) => o.key === t.key && o.effect === t.effect);
}

/**
 * Taints the controller wants for this Ready status: False → not-ready,
 * Unknown → unreachable, True or never reported → none of them. A node that
 * never reported gets no taint here: it goes Unknown (and unreachable) only
 * after the grace period, like any silent kubelet.
 */
export function wantedTaints(ready: ConditionStatus | undefined, unschedulable: boolean): Array<{ key: string; effect: TaintEffect }> {
  const want: Array<{ key: string; effect: TaintEffect }> = [];
  if (ready === 'False') want.push({ key: TAINT_NOT_READY, effect: 'NoSchedule' }, { key: TAINT_NOT_READY, effect: 'NoExecute' });
  if (ready === 'Unknown') want.push({ key: TAINT_UNREACHABLE, effect: 'NoSchedule' }, { key: TAINT_UNREACHABLE, effect: 'NoExecute' });
  if (unschedulable) want.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  return want;
}

/**
 * The node's taints with the controller-owned ones brought in line; other
 * taints are kept untouched. An existing taint keeps its timeAdded, because
 * eviction deadlines count from it. New NoExecute taints get `now`.
 * Returns undefined when nothing changes.
 */
export function reconcileTaints(
  current: Taint[] | undefined,
  ready: ConditionStatus | undefined,
  unschedulable: boolean,
  now: string,
): Taint[] | undefined {
  const cur = current ?? [];
  const want = wantedTaints(ready, unschedulable);
  const isWanted = (t: Pick<Taint, 'key' | 'effect'>): boolean => want.some((w) => w.key === t.key && w.effect === t.effect);
  const next = cur.filter((t) => !owned(t) || isWanted(t));
  for (const w of want) {
    if (next.some((t) => t.key === w.key && t.effect === w.effect)) continue;
    next.push(w.effect === 'NoExecute' ? { ...w, timeAdded: now } : { ...w });
  }
  return next.length === cur.length && next.every((t, i) => t === cur[i]) ? undefined : next;
}
