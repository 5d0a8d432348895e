// Prefers nodes whose cpu and memory would be used in similar proportion after
// placing the pod, so neither resource is stranded.
import { MAX_NODE_SCORE, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';

function fraction(requested: number, allocatable: number): number {
  if (allocatable <= 0) return 1;
  return Math.min(1, requested / allocatable);
}

/** (1 - standard deviation of the cpu and memory fractions) × 100. */
export function balancedAllocationScore(pod: PodInfo, node: NodeInfo): number {
  const cpu = fraction(node.requested.milliCPU + pod.requests.milliCPU, node.allocatable.milliCPU);
  const mem = fraction(node.requested.memory + pod.requests.memory, node.allocatable.memory);
  // The standard deviation of two values is half their distance.
  const std = Math.abs(cpu - mem) / 2;
  return (1 - std) * MAX_NODE_SCORE;
}

export const balancedAllocationScorePlugin: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  prepare(pod) {
    // A pod requesting neither resource changes no balance.
    if (pod.requests.milliCPU === 0 && pod.requests.memory === 0) return undefined;
    return { score: (node) => balancedAllocationScore(pod, node) };
  },
};
