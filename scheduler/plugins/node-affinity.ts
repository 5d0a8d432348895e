// spec.affinity.nodeAffinity: required terms filter nodes out, preferred terms
// add their weight to the nodes they match.
import { defaultNormalize, type FilterPlugin, type ScorePlugin } from '../framework.js';
import { compileTerm, compileTerms, NODE_AFFINITY_REASON } from './node-selector.js';

const FAILURE = [NODE_AFFINITY_REASON] as const;

export const nodeAffinityFilter: FilterPlugin = {
  name: 'NodeAffinity',
  prepare(pod) {
    const required = pod.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (!required) return undefined;
    const match = compileTerms(required.nodeSelectorTerms ?? []);
    return (node) => (match(node) ? undefined : FAILURE);
  },
};

export const nodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  weight: 2,
  prepare(pod) {
    const preferred = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const terms = preferred
      .filter((p) => p.weight !== 0)
      .map((p) => ({ weight: p.weight, match: compileTerm(p.preference ?? {}) }));
    if (terms.length === 0) return undefined;
    return {
      score(node) {
        let sum = 0;
        for (const t of terms) if (t.match(node)) sum += t.weight;
        return sum;
      },
      normalize: (scores) => defaultNormalize(scores, false),
    };
  },
};
