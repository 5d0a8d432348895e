// Taints repel pods that don't tolerate them: NoSchedule and NoExecute taints
// rule a node out, PreferNoSchedule taints only make it less attractive.
import type { Taint, Toleration } from '../../api/types/index.js';
import { defaultNormalize, type FilterPlugin, type ScorePlugin } from '../framework.js';

/** v1.Toleration.ToleratesTaint: an empty key with Exists tolerates every taint; an empty effect every effect. */
export function toleratesTaint(t: Toleration, taint: Pick<Taint, 'key' | 'value' | 'effect'>): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

export function tolerates(tolerations: readonly Toleration[], taint: Pick<Taint, 'key' | 'value' | 'effect'>): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first NoSchedule/NoExecute taint none of the tolerations matches. */
export function firstUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | undefined {
  for (const taint of taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerates(tolerations, taint)) return taint;
  }
  return undefined;
}

/** Kubernetes prints the taint as a Go map literal: `{key: value}`. */
export function untoleratedTaintReason(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
}

export const taintTolerationFilter: FilterPlugin = {
  name: 'TaintToleration',
  prepare(pod) {
    return (node) => {
      if (node.taints.length === 0) return undefined;
      const taint = firstUntoleratedTaint(node.taints, pod.tolerations);
      return taint ? [untoleratedTaintReason(taint)] : undefined;
    };
  },
};

/** PreferNoSchedule taints the pod doesn't tolerate (only tolerations with an empty or PreferNoSchedule effect count). */
export function countIntolerablePreferNoSchedule(taints: readonly Taint[], tolerations: readonly Toleration[]): number {
  let n = 0;
  for (const taint of taints) {
    if (taint.effect !== 'PreferNoSchedule') continue;
    let ok = false;
    for (const t of tolerations) {
      if ((!t.effect || t.effect === 'PreferNoSchedule') && toleratesTaint(t, taint)) {
        ok = true;
        break;
      }
    }
    if (!ok) n++;
  }
  return n;
}

export const taintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  weight: 3,
  prepare(pod) {
    return {
      score: (node) => (node.taints.length === 0 ? 0 : countIntolerablePreferNoSchedule(node.taints, pod.tolerations)),
      normalize: (scores) => defaultNormalize(scores, true),
    };
  },
};
