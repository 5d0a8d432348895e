// The Node half of Kubernetes' NodeRestriction admission plugin: what a kubelet may
// write on its own Node object. The node authorizer already limits a node to its
// own Node; this limits what it changes there. Registration may carry taints
// (--register-with-taints) but no labels outside the kubelet's set; afterwards
// the node may change neither its taints, its ownerReferences, nor such labels,
// since each would let it attract or repel workloads on its own authority.
import type { KubeObject } from '../../api/meta.js';
import { labelsForbiddenToNodes, modifiedLabelKeys } from '../../api/node-labels.js';
import { semanticEqual } from '../../api/validation/field.js';

/**
 * Why node `node` may not write `next` over `cur` (undefined: a create), in
 * Kubernetes' words; undefined when allowed.
 */
export function nodeWriteRestriction(node: string, next: KubeObject, cur: KubeObject | undefined): string | undefined {
  if (!cur) {
    const forbidden = labelsForbiddenToNodes(Object.keys(next.metadata.labels ?? {}));
    return forbidden.length ? `node "${node}" is not allowed to set the following labels: ${forbidden.join(', ')}` : undefined;
  }
  if (!semanticEqual(taintsOf(next), taintsOf(cur))) return `node "${node}" is not allowed to modify taints`;
  if (!semanticEqual(next.metadata.ownerReferences, cur.metadata.ownerReferences)) return `node "${node}" is not allowed to modify ownerReferences`;
  const forbidden = labelsForbiddenToNodes(modifiedLabelKeys(next.metadata.labels, cur.metadata.labels));
  return forbidden.length ? `is not allowed to modify labels: ${forbidden.join(', ')}` : undefined;
}

function taintsOf(o: KubeObject): unknown {
  return (o.spec as { taints?: unknown } | undefined)?.taints;
}
