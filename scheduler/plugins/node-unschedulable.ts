// Cordoned nodes (spec.unschedulable) take no new pods, except pods that
// tolerate the node.kubernetes.io/unschedulable taint.
import type { FilterPlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { tolerates } from './taint-toleration.js';

export const UNSCHEDULABLE_REASON = 'node(s) were unschedulable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

export function nodeSchedulableFor(pod: PodInfo, node: NodeInfo): boolean {
  return !node.unschedulable || tolerates(pod.tolerations, { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
}

const FAILURE = [UNSCHEDULABLE_REASON] as const;

export const nodeUnschedulableFilter: FilterPlugin = {
  name: 'NodeUnschedulable',
  prepare(pod) {
    return (node) => (nodeSchedulableFor(pod, node) ? undefined : FAILURE);
  },
};
