// The scheduling cycle as pure functions: filter plugins drop nodes a pod can't
// run on, score plugins rank the rest, the best node wins (ties at random).
// Like kube-scheduler, a cycle stops filtering once it has found enough
// feasible nodes, and the next cycle starts where this one stopped, so large
// clusters cost a bounded amount per pod and still get used evenly.
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';

/** Why a node can't take the pod, in Kubernetes' words (`Insufficient cpu`); several when several apply. */
export type FilterFailure = readonly string[];

/** A per-cycle node check; undefined means the node fits. */
export type NodeFilter = (node: NodeInfo) => FilterFailure | undefined;

export interface FilterPlugin {
  readonly name: string;
  /** Once per cycle: the check for this pod, or undefined when the plugin has nothing to check. */
  prepare(pod: PodInfo): NodeFilter | undefined;
}

export interface NodeScorer {
  /** raw score of one node */
  score(node: NodeInfo): number;
  /** rescales the raw scores of all candidates to 0..MAX_NODE_SCORE in place; scores are taken as 0..100 when absent */
  normalize?(scores: Float64Array): void;
}

export interface ScorePlugin {
  readonly name: string;
  readonly weight: number;
  /** Once per cycle: the scorer for this pod, or undefined when the plugin has no preference. */
  prepare(pod: PodInfo): NodeScorer | undefined;
}

export interface Profile {
  filters: readonly FilterPlugin[];
  scores: readonly ScorePlugin[];
}

export const MAX_NODE_SCORE = 100;

/** Below this many nodes every node is evaluated; above, at least this many are. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;

/**
 * How many feasible nodes a cycle looks for before it stops filtering. With
 * `percentage` 0 the share adapts to the cluster size: 50% at 100 nodes falling
 * linearly to 10% at 1,000 nodes and beyond (steeper than kube-scheduler's
 * 50 - n/125, because here one process's cycles compete with the apiserver for
 * two cores), but never fewer than 100 nodes.
 */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND || percentage >= 100) return numAllNodes;
  let pct = percentage;
  if (pct <= 0) {
    pct = 50 - ((numAllNodes - 100) * 40) / 900;
    pct = Math.max(10, Math.min(50, pct));
  }
  const n = Math.floor((numAllNodes * pct) / 100);
  return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.min(numAllNodes, n));
}

export interface Diagnosis {
  /** nodes the pod was checked against: all of them when none fit */
  numAllNodes: number;
  /** failure reason → number of nodes that gave it */
  reasons: Map<string, number>;
}

export interface FilterResult {
  feasible: NodeInfo[];
  /** nodes looked at, feasible or not: where the next cycle starts */
  processed: number;
  diagnosis: Diagnosis;
}

/** Filters nodes from `start` round the list until `want` fit or every node was tried. */
export function findFeasibleNodes(pod: PodInfo, nodes: readonly NodeInfo[], start: number, want: number, profile: Profile): FilterResult {
  const filters: NodeFilter[] = [];
  for (const p of profile.filters) {
    const f = p.prepare(pod);
    if (f) filters.push(f);
  }
  const reasons = new Map<string, number>();
  const feasible: NodeInfo[] = [];
  const n = nodes.length;
  let processed = 0;
  for (; processed < n && feasible.length < want; processed++) {
    const node = nodes[(start + processed) % n];
    let failure: FilterFailure | undefined;
    // Like kube-scheduler, the first failing plugin decides; later ones aren't consulted.
    for (let i = 0; i < filters.length && !failure; i++) failure = filters[i](node);
    if (!failure) {
      feasible.push(node);
      continue;
    }
    for (const r of failure) reasons.set(r, (reasons.get(r) ?? 0) + 1);
  }
  return { feasible, processed, diagnosis: { numAllNodes: n, reasons } };
}

/** Weighted sum of every score plugin's normalized score per node. */
export function scoreNodes(pod: PodInfo, nodes: readonly NodeInfo[], profile: Profile): Float64Array {
  const total = new Float64Array(nodes.length);
  const raw = new Float64Array(nodes.length);
  for (const p of profile.scores) {
    const scorer = p.prepare(pod);
    if (!scorer) continue;
    for (let i = 0; i < nodes.length; i++) raw[i] = scorer.score(nodes[i]);
    scorer.normalize?.(raw);
    for (let i = 0; i < nodes.length; i++) total[i] += p.weight * raw[i];
  }
  return total;
}

/** Index of the highest score; equal best scores are picked uniformly at random (reservoir sampling). */
export function selectHost(scores: Float64Array, random: () => number = Math.random): number {
  let best = -1;
  let bestScore = -Infinity;
  let ties = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (s > bestScore) {
      best = i;
      bestScore = s;
      ties = 1;
    } else if (s === bestScore) {
      ties++;
      if (random() * ties < 1) best = i;
    }
  }
  return best;
}

export interface ScheduleOptions {
  /** index into `nodes` where filtering starts */
  start: number;
  /** percentageOfNodesToScore; 0 adapts to the cluster size */
  percentage?: number;
  random?: () => number;
}

export type ScheduleResult =
  | { node: NodeInfo; processed: number; feasible: number }
  | { node?: undefined; processed: number; diagnosis: Diagnosis };

/** One scheduling cycle for one pod over a consistent view of the nodes. */
export function schedulePod(pod: PodInfo, nodes: readonly NodeInfo[], profile: Profile, opts: ScheduleOptions): ScheduleResult {
  const want = numFeasibleNodesToFind(nodes.length, opts.percentage);
  const start = nodes.length ? opts.start % nodes.length : 0;
  const { feasible, processed, diagnosis } = findFeasibleNodes(pod, nodes, start, want, profile);
  if (feasible.length === 0) return { processed, diagnosis };
  if (feasible.length === 1) return { node: feasible[0], processed, feasible: 1 };
  const scores = scoreNodes(pod, feasible, profile);
  return { node: feasible[selectHost(scores, opts.random)], processed, feasible: feasible.length };
}

/**
 * kube-scheduler's DefaultNormalizeScore: scales so the best raw score becomes
 * MAX_NODE_SCORE; `reverse` makes the lowest raw score the best.
 */
export function defaultNormalize(scores: Float64Array, reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const s = (MAX_NODE_SCORE * scores[i]) / max;
    scores[i] = reverse ? MAX_NODE_SCORE - s : s;
  }
}
