// Where a DaemonSet's pods belong (Kubernetes' daemon/util and NodeShouldRunDaemonPod):
// the tolerations every daemon pod gets, whether a node should run one (and whether
// one already there may stay), and the node affinity that pins a new pod to its
// node so the scheduler binds it there.
import { NODE_NAME_FIELD, nodeIdentity, requiredNodeAffinityMatches } from '../api/node-affinity.js';
import type { Affinity, DaemonSet, Node, Pod, PodSpec, PodTemplateSpec, Taint, Toleration } from '../api/types/index.js';
import { tolerates } from './taint-eviction-decide.js';

/** Label carrying the ControllerRevision hash of the template a daemon pod was made from. */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

/**
 * AddOrUpdateDaemonPodTolerations: node problems must not evict or keep out a
 * daemon pod, so it tolerates them without a time limit.
 */
export const DAEMON_TOLERATIONS: readonly Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

const NETWORK_UNAVAILABLE: Toleration = { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' };

/** Toleration.MatchToleration: same key, operator, value and effect. */
function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') &&
    (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');
}

/**
 * AddOrUpdateTolerationInPodSpec for each daemon toleration: a user toleration
 * with the same key/operator/value/effect is replaced (dropping any
 * tolerationSeconds), others are kept; missing ones are appended.
 */
export function withDaemonTolerations(tolerations: readonly Toleration[] | undefined, hostNetwork = false): Toleration[] {
  let out = [...(tolerations ?? [])];
  const wanted = hostNetwork ? [...DAEMON_TOLERATIONS, NETWORK_UNAVAILABLE] : DAEMON_TOLERATIONS;
  for (const t of wanted) {
    const i = out.findIndex((x) => sameToleration(x, t));
    if (i < 0) out.push({ ...t });
    else out = out.map((x, j) => (j === i ? { ...t } : x));
  }
  return out;
}

function untolerated(taints: readonly Taint[], tolerations: readonly Toleration[], effects: ReadonlySet<string>): boolean {
  return taints.some((taint) => effects.has(taint.effect) && !tolerations.some((t) => tolerates(t, taint)));
}

const SCHEDULE_EFFECTS = new Set(['NoSchedule', 'NoExecute']);
const EXECUTE_EFFECTS = new Set(['NoExecute']);

export interface ShouldRun {
  /** a daemon pod should be created here if there is none */
  shouldRun: boolean;
  /** a daemon pod already here may stay */
  shouldContinueRunning: boolean;
}

/**
 * NodeShouldRunDaemonPod: the template's nodeName, nodeSelector and required node
 * affinity must fit; untolerated NoSchedule/NoExecute taints keep new pods out,
 * and only untolerated NoExecute taints push existing ones out.
 */
export function nodeShouldRunDaemonPod(node: Node, ds: Pick<DaemonSet, 'spec'>): ShouldRun {
  const spec = ds.spec.template?.spec;
  const name = node.metadata.name ?? '';
  if (spec?.nodeName && spec.nodeName !== name) return { shouldRun: false, shouldContinueRunning: false };
  if (!requiredNodeAffinityMatches(spec, nodeIdentity(node))) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = withDaemonTolerations(spec?.tolerations, spec?.hostNetwork === true);
  const taints = node.spec?.taints ?? [];
  if (untolerated(taints, tolerations, SCHEDULE_EFFECTS)) {
    return { shouldRun: false, shouldContinueRunning: !untolerated(taints, tolerations, EXECUTE_EFFECTS) };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/**
 * ReplaceDaemonSetPodNodeNameNodeAffinity: the required terms become exactly
 * `metadata.name In [node]` (the controller already checked the user's terms
 * against this node); preferred terms and other affinities stay.
 */
export function pinToNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const required = { nodeSelectorTerms: [{ matchFields: [{ key: NODE_NAME_FIELD, operator: 'In' as const, values: [nodeName] }] }] };
  const out: Affinity = structuredClone(affinity ?? {});
  out.nodeAffinity = { ...(out.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: required };
  return out;
}

/** GetTargetNodeName: the bound node, or for a pod not yet scheduled the node its affinity pins it to. */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === NODE_NAME_FIELD && f.operator === 'In') return f.values?.length === 1 ? f.values[0] : undefined;
    }
  }
  return undefined;
}

/** CreatePodTemplate: the DaemonSet's template with the daemon tolerations and the revision hash label. */
export function daemonPodTemplate(template: PodTemplateSpec, hash: string): PodTemplateSpec {
  const t = structuredClone(template);
  const spec: PodSpec = t.spec;
  spec.tolerations = withDaemonTolerations(spec.tolerations, spec.hostNetwork === true);
  t.metadata = { ...(t.metadata ?? {}) };
  if (hash) t.metadata.labels = { ...(t.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash };
  return t;
}

/** The template for the pod of one node: pinned there through node affinity. */
export function daemonPodTemplateForNode(template: PodTemplateSpec, nodeName: string): PodTemplateSpec {
  const t = structuredClone(template);
  t.spec.affinity = pinToNode(t.spec.affinity, nodeName);
  return t;
}
