// The pod's requests must fit into what the node has left: allocatable minus
// the requests of every pod on it, including pods assumed but not yet bound.
import type { FilterPlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import type { Resources } from '../resources.js';

export const TOO_MANY_PODS = 'Too many pods';

export function insufficient(resource: string): string {
  return `Insufficient ${resource}`;
}

/** Every resource the pod doesn't fit on `node` for, as Kubernetes names them; empty when it fits. */
export function fitsRequest(req: Resources, node: NodeInfo): string[] {
  const reasons: string[] = [];
  if (node.pods.size + 1 > node.allowedPods) reasons.push(TOO_MANY_PODS);
  const scalar = req.scalar;
  if (req.milliCPU === 0 && req.memory === 0 && !scalar) return reasons;
  const alloc = node.allocatable;
  const used = node.requested;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) reasons.push(insufficient('cpu'));
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) reasons.push(insufficient('memory'));
  if (scalar) {
    for (const name of Object.keys(scalar)) {
      const want = scalar[name];
      if (want <= 0) continue;
      const free = (alloc.scalar?.[name] ?? 0) - (used.scalar?.[name] ?? 0);
      if (want > free) reasons.push(insufficient(name));
    }
  }
  return reasons;
}

export const resourcesFitFilter: FilterPlugin = {
  name: 'NodeResourcesFit',
  prepare(pod) {
    return (node) => {
      const reasons = fitsRequest(pod.requests, node);
      return reasons.length ? reasons : undefined;
    };
  },
};
