// A pod that names its node (spec.nodeName) fits only there. The scheduler
// never queues such pods (they are already assigned), so this matters only when
// the cycle is used to check a placement.
import type { FilterPlugin } from '../framework.js';

export const NODE_NAME_REASON = "node(s) didn't match the requested node name";

const FAILURE = [NODE_NAME_REASON] as const;

export const nodeNameFilter: FilterPlugin = {
  name: 'NodeName',
  prepare(pod) {
    const wanted = pod.pod.spec?.nodeName;
    if (!wanted) return undefined;
    return (node) => (node.name === wanted ? undefined : FAILURE);
  },
};
