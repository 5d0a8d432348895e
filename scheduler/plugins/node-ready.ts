// Only Ready nodes take pods. Kubernetes expresses this as the not-ready and
// unreachable NoSchedule taints, so a pod that tolerates those (a DaemonSet's)
// may still land on a node that isn't Ready.
import type { FilterPlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { tolerates } from './taint-toleration.js';

export const NOT_READY_REASON = 'node(s) were not ready';
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';

export function nodeReadyFits(pod: PodInfo, node: NodeInfo): boolean {
  if (node.ready === 'True') return true;
  const key = node.ready === 'False' ? TAINT_NOT_READY : TAINT_UNREACHABLE;
  return tolerates(pod.tolerations, { key, effect: 'NoSchedule' });
}

const FAILURE = [NOT_READY_REASON] as const;

export const nodeReadyFilter: FilterPlugin = {
  name: 'NodeReady',
  prepare(pod) {
    return (node) => (nodeReadyFits(pod, node) ? undefined : FAILURE);
  },
};
