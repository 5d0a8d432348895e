// Does a Node satisfy a pod spec's hard placement rules (spec.nodeSelector and
// requiredDuringSchedulingIgnoredDuringExecution)? Kubernetes'
// nodeaffinity.GetRequiredNodeAffinity(pod).Match(node), for controllers that
// decide placement themselves (the DaemonSet controller); the scheduler has its
// own compiled form. Term matching is api/node-selector.ts.
import { nodeSelectorMatches, type NodeIdentity } from './node-selector.js';
import type { Node, PodSpec } from './types/index.js';

/** The only field node affinity may select on. */
export const NODE_NAME_FIELD = 'metadata.name';

export function nodeIdentity(node: Node): NodeIdentity {
  return { name: node.metadata.name ?? '', labels: node.metadata.labels ?? {} };
}

/** spec.nodeSelector AND the required node affinity terms (ORed among themselves). */
export function requiredNodeAffinityMatches(spec: Pick<PodSpec, 'nodeSelector' | 'affinity'> | undefined, node: NodeIdentity): boolean {
  const labels = node.labels ?? {};
  for (const [k, v] of Object.entries(spec?.nodeSelector ?? {})) {
    if (!Object.prototype.hasOwnProperty.call(labels, k) || labels[k] !== v) return false;
  }
  return nodeSelectorMatches(spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, node);
}
