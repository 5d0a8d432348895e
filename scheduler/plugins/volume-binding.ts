// VolumeBinding, kept simple: a pod's PersistentVolumeClaims decide where it
// may run. A bound claim's volume must be reachable from the node (its
// nodeAffinity), so a pod comes back to the node that holds its data. An
// unbound claim of a WaitForFirstConsumer class fits any node its class's
// allowedTopologies allow (or only the node already chosen for it); the
// scheduler then records the chosen node on the claim (volume-prebind.ts) for
// the provisioner. An unbound claim of an Immediate class, or a missing one,
// keeps the pod waiting.
import { matches, newRequirement } from '../../api/labels.js';
import { nodeSelectorMatches } from '../../api/node-selector.js';
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass, TopologySelectorTerm } from '../../api/types/index.js';
import type { FilterPlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';

export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

export const ERR_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';

/** The scheduler's view of storage objects (its informer caches). */
export interface VolumeLister {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  storageClass(name: string): StorageClass | undefined;
  /** the labels of a node, for checking a volume's node affinity outside a scheduling cycle */
  nodeLabels?(name: string): Record<string, string> | undefined;
}

export interface PodVolumes {
  /** volumes of bound claims; undefined where the claim names a volume that does not exist */
  bound: Array<PersistentVolume | undefined>;
  /** unbound claims of WaitForFirstConsumer classes, with their class */
  delayed: Array<{ claim: PersistentVolumeClaim; storageClass: StorageClass }>;
  /** a problem no node can fix (missing claim, unbound Immediate claim) */
  error?: string;
}

export function claimClassName(c: PersistentVolumeClaim): string {
  return c.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? c.spec.storageClassName ?? '';
}

/** The pod's claims as the caches show them; undefined when it has none. */
export function podVolumes(pod: Pod, lister: VolumeLister): PodVolumes | undefined {
  const out: PodVolumes = { bound: [], delayed: [] };
  let any = false;
  const ns = pod.metadata.namespace ?? 'default';
  for (const v of pod.spec?.volumes ?? []) {
    const name = v.persistentVolumeClaim?.claimName;
    if (!name) continue;
    any = true;
    const claim = lister.claim(ns, name);
    if (!claim) return { ...out, error: `persistentvolumeclaim "${name}" not found` };
    if (claim.metadata.deletionTimestamp) return { ...out, error: `persistentvolumeclaim "${name}" is being deleted` };
    if (claim.spec.volumeName) {
      out.bound.push(lister.volume(claim.spec.volumeName));
      continue;
    }
    const sc = lister.storageClass(claimClassName(claim));
    if (sc?.volumeBindingMode !== 'WaitForFirstConsumer') return { ...out, error: ERR_UNBOUND_IMMEDIATE };
    out.delayed.push({ claim, storageClass: sc });
  }
  return any ? out : undefined;
}

function topologyAllows(terms: TopologySelectorTerm[] | undefined, labels: Record<string, string>): boolean {
  if (!terms?.length) return true;
  return terms.some((t) => {
    try {
      return matches({ requirements: (t.matchLabelExpressions ?? []).map((e) => newRequirement(e.key, 'In', e.values)) }, labels);
    } catch {
      return false;
    }
  });
}

/** Why this node cannot serve the pod's volumes, or undefined when it can. */
export function volumeFailure(v: PodVolumes, node: Pick<NodeInfo, 'name' | 'labels'>): string | undefined {
  for (const pv of v.bound) {
    if (!pv) return ERR_PV_NOT_EXIST;
    if (!nodeSelectorMatches(pv.spec.nodeAffinity?.required, { name: node.name, labels: node.labels })) return ERR_NODE_CONFLICT;
  }
  for (const { claim, storageClass } of v.delayed) {
    const selected = claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION];
    // A node was already chosen and its provisioning may be under way: only that node will do.
    if (selected && selected !== node.name) return ERR_BIND_CONFLICT;
    if (!topologyAllows(storageClass.allowedTopologies, node.labels)) return ERR_BIND_CONFLICT;
  }
  return undefined;
}

export function volumeBindingFilter(lister: VolumeLister): FilterPlugin {
  return {
    name: 'VolumeBinding',
    prepare(pod) {
      const v = podVolumes(pod.pod, lister);
      if (!v) return undefined;
      if (v.error) {
        const failure = [v.error];
        return () => failure;
      }
      return (node) => {
        const why = volumeFailure(v, node);
        return why ? [why] : undefined;
      };
    },
  };
}
