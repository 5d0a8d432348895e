// Spreads replicas of one controller (or, without one, pods with the same
// labels in a namespace) across nodes: fewer peers on a node, higher score —
// like kube-scheduler's SelectorSpread without zones.
import { MAX_NODE_SCORE, type ScorePlugin } from '../framework.js';

/** Maps peer counts to scores: no peers → 100, the most crowded node → 0. */
export function normalizeSpread(scores: Float64Array): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  for (let i = 0; i < scores.length; i++) {
    scores[i] = max > 0 ? (MAX_NODE_SCORE * (max - scores[i])) / max : MAX_NODE_SCORE;
  }
}

export const spreadOwnerScorePlugin: ScorePlugin = {
  name: 'SpreadOwner',
  weight: 2,
  prepare(pod) {
    const key = pod.spreadKey;
    if (!key) return undefined;
    return { score: (node) => node.spreadCount(key), normalize: normalizeSpread };
  },
};
