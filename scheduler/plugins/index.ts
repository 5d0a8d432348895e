// The default profile: filters in kube-scheduler's order (cheap, unresolvable
// checks first), scores with kube-scheduler's default weights.
import type { Profile } from '../framework.js';
import { balancedAllocationScorePlugin } from './balanced-allocation.js';
import { hostPortsFilter } from './host-ports.js';
import { leastAllocatedScorePlugin } from './least-allocated.js';
import { nodeAffinityFilter, nodeAffinityScore } from './node-affinity.js';
import { nodeNameFilter } from './node-name.js';
import { nodeReadyFilter } from './node-ready.js';
import { nodeSelectorFilter } from './node-selector.js';
import { nodeUnschedulableFilter } from './node-unschedulable.js';
import { resourcesFitFilter } from './resources-fit.js';
import { spreadOwnerScorePlugin } from './spread-owner.js';
import { taintTolerationFilter, taintTolerationScore } from './taint-toleration.js';
import { volumeBindingFilter, type VolumeLister } from './volume-binding.js';

/** `volumes`: the storage caches; without them pods' claims are not looked at. */
export function defaultProfile(volumes?: VolumeLister): Profile {
  return {
    filters: [
      nodeReadyFilter,
      nodeUnschedulableFilter,
      nodeNameFilter,
      taintTolerationFilter,
      nodeSelectorFilter,
      nodeAffinityFilter,
      hostPortsFilter,
      resourcesFitFilter,
      ...(volumes ? [volumeBindingFilter(volumes)] : []),
    ],
    scores: [
      leastAllocatedScorePlugin,
      balancedAllocationScorePlugin,
      spreadOwnerScorePlugin,
      nodeAffinityScore,
      taintTolerationScore,
    ],
  };
}
