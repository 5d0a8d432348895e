// Prefers nodes with the most room left after placing the pod, averaging cpu
// and memory. Requests are counted with defaults for containers that set none,
// so request-less pods still spread by load.
import { MAX_NODE_SCORE, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';

/** (allocatable - requested) / allocatable, scaled to 0..100; 0 when over-committed or nothing is allocatable. */
export function leastRequestedScore(requested: number, allocatable: number): number {
  if (allocatable <= 0 || requested > allocatable) return 0;
  return ((allocatable - requested) * MAX_NODE_SCORE) / allocatable;
}

export function leastAllocatedScore(pod: PodInfo, node: NodeInfo): number {
  const cpu = leastRequestedScore(node.nonZeroCPU + pod.nonZeroCPU, node.allocatable.milliCPU);
  const mem = leastRequestedScore(node.nonZeroMemory + pod.nonZeroMemory, node.allocatable.memory);
  return (cpu + mem) / 2;
}

export const leastAllocatedScorePlugin: ScorePlugin = {
  name: 'NodeResourcesLeastAllocated',
  weight: 1,
  prepare(pod) {
    return { score: (node) => leastAllocatedScore(pod, node) };
  },
};
