// The PreBind half of VolumeBinding: before a pod with unbound
// WaitForFirstConsumer claims is bound, each claim gets the chosen node in
// `volume.kubernetes.io/selected-node` (the cue for the volume binder and the
// provisioner), and the binding waits until every such claim is bound to a
// volume that node can reach — so the kubelet never starts a pod whose volumes
// are not there yet. Like kube-scheduler, a claim that never binds fails the
// attempt, and the pod is tried again later.
import type { Logger } from '../client/index.js';
import { isNotFound } from '../api/errors.js';
import { findResource } from '../api/resources.js';
import type { RestClient } from '../client/index.js';
import type { PodInfo } from './pod-info.js';
import { podVolumes, SELECTED_NODE_ANNOTATION, volumeFailure, type VolumeLister } from './plugins/volume-binding.js';

const pvcsInfo = findResource('', 'v1', 'persistentvolumeclaims')!;

/** How long a binding waits for its claims to be provisioned and bound. */
export const DEFAULT_BIND_TIMEOUT_MS = 120_000;
const POLL_MS = 100;

export type ClaimsState = { done: true } | { done: false; error?: string };

/** Whether the pod's delayed claims are bound, still on their way, or went wrong, for this node (checkBindings). */
export function claimsState(claims: Array<{ namespace: string; name: string }>, nodeName: string, lister: VolumeLister): ClaimsState {
  for (const { namespace, name } of claims) {
    const c = lister.claim(namespace, name);
    if (!c) return { done: false, error: `persistentvolumeclaim "${name}" was deleted` };
    if (!c.spec.volumeName) {
      // Missing is our own patch not in the cache yet; another node means someone else chose.
      const selected = c.metadata.annotations?.[SELECTED_NODE_ANNOTATION];
      if (selected !== undefined && selected !== nodeName) return { done: false, error: `selectedNode annotation reset for PVC "${name}"` };
      return { done: false };
    }
    // The claim's own Bound status is the binder's last write: the kubelet mounts only a Bound claim.
    if (c.status?.phase !== 'Bound') return { done: false };
    const pv = lister.volume(c.spec.volumeName);
    if (!pv || pv.spec.claimRef?.uid !== c.metadata.uid) return { done: false };
    const why = volumeFailure({ bound: [pv], delayed: [] }, { name: nodeName, labels: lister.nodeLabels?.(nodeName) ?? {} });
    if (why) return { done: false, error: `persistentvolume "${pv.metadata.name}" of claim "${name}": ${why}` };
  }
  return { done: true };
}

export class VolumePreBinder {
  constructor(
    private readonly client: RestClient,
    private readonly lister: VolumeLister,
    private readonly log: Logger,
    private readonly timeoutMs = DEFAULT_BIND_TIMEOUT_MS,
  ) {}

  /** Resolves once the pod may be bound to the node; throws (the pod is retried) when its claims cannot be made ready. */
  async preBind(info: PodInfo, nodeName: string): Promise<void> {
    const v = podVolumes(info.pod, this.lister);
    if (!v || v.delayed.length === 0) return;
    const claims = v.delayed.map(({ claim }) => ({ namespace: claim.metadata.namespace ?? info.namespace, name: claim.metadata.name ?? '' }));
    for (const { claim } of v.delayed) {
      if (claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION] === nodeName) continue;
      try {
        await this.client.patch(pvcsInfo, claim.metadata.namespace, claim.metadata.name ?? '', {
          metadata: { annotations: { [SELECTED_NODE_ANNOTATION]: nodeName } },
        }, 'merge', { timeoutMs: 30_000 });
      } catch (e) {
        if (isNotFound(e)) throw new Error(`persistentvolumeclaim "${claim.metadata.name}" was deleted`);
        throw e;
      }
      this.log.info({ pod: info.key, claim: claim.metadata.name, node: nodeName }, 'selected node for claim');
    }
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const st = claimsState(claims, nodeName, this.lister);
      if (st.done) return;
      if (st.error) throw new Error(st.error);
      if (Date.now() > deadline) throw new Error(`timed out waiting for the condition: volumes of pod ${info.key} were not bound in ${this.timeoutMs / 1000}s`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
