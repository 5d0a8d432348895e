// Checks the apiserver makes on a Pod before streaming from its kubelet, worded as
// Kubernetes words them.
import { ApiError, errors, statusOf } from '../../api/errors.js';
import type { Container, ContainerStatus, Node, Pod } from '../../api/types/core.js';

function containerNames(pod: Pod): { main: string[]; init: string[]; ephemeral: string[] } {
  return {
    main: (pod.spec?.containers ?? []).map((c: Container) => c.name),
    init: (pod.spec?.initContainers ?? []).map((c: Container) => c.name),
    ephemeral: (pod.spec?.ephemeralContainers ?? []).map((c: { name: string }) => c.name),
  };
}

const goList = (names: string[]) => `[${names.join(' ')}]`;

/** The container a request means: the named one, or the only one. */
export function resolveContainer(pod: Pod, requested: string | undefined): string {
  const name = pod.metadata.name ?? '';
  const { main, init, ephemeral } = containerNames(pod);
  if (!requested) {
    if (main.length === 1) return main[0];
    let msg = `a container name must be specified for pod ${name}, choose one of: ${goList(main)}`;
    if (init.length) msg += ` or one of the init containers: ${goList(init)}`;
    if (ephemeral.length) msg += ` or one of the ephemeral containers: ${goList(ephemeral)}`;
    throw errors.badRequest(msg);
  }
  if (![...main, ...init, ...ephemeral].includes(requested)) {
    throw errors.badRequest(`container ${requested} is not valid for pod ${name}`);
  }
  return requested;
}

export function requireNodeName(pod: Pod): string {
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw errors.badRequest(`pod ${pod.metadata.name ?? ''} does not have a host assigned`);
  return nodeName;
}

function statusOfContainer(pod: Pod, container: string): ContainerStatus | undefined {
  const all = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])];
  return all.find((s) => s.name === container);
}

/** Logs of a container that never started do not exist yet: say why, as the kubelet would. */
export function checkLogsAvailable(pod: Pod, container: string, previous: boolean): void {
  if (previous) return; // the kubelet knows which instances exist
  const podName = pod.metadata.name ?? '';
  const st = statusOfContainer(pod, container);
  const waiting = st?.state?.waiting;
  if (waiting && !st?.lastState?.terminated) {
    throw errors.badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${waiting.reason || 'ContainerCreating'}`);
  }
  if (!st && (pod.status?.phase ?? 'Pending') === 'Pending') {
    throw errors.badRequest(`container "${container}" in pod "${podName}" is waiting to start: ContainerCreating`);
  }
}

export function checkExecAllowed(pod: Pod, container: string): void {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') {
    throw errors.badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  }
  const waiting = statusOfContainer(pod, container)?.state?.waiting;
  if (waiting) {
    throw errors.badRequest(`container ${container} is not running in pod ${pod.metadata.name ?? ''}: ${waiting.reason || 'ContainerCreating'}`);
  }
}

export interface KubeletAddress {
  host: string;
  port: number;
  /** the name the kubelet's serving certificate carries besides its address */
  nodeName?: string;
}

export const DEFAULT_KUBELET_PORT = 10250;

/** Where a node's kubelet listens: its InternalIP (else another address) and daemon endpoint port. */
export function kubeletAddress(node: Node): KubeletAddress {
  const addrs = node.status?.addresses ?? [];
  const pick = (t: string) => addrs.find((a) => a.type === t)?.address;
  const host = pick('InternalIP') ?? pick('ExternalIP') ?? pick('Hostname') ?? pick('InternalDNS');
  if (!host) {
    throw new ApiError(statusOf(503, 'ServiceUnavailable', `no preferred addresses found; known addresses: []`));
  }
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT;
  return { host, port, nodeName: node.metadata.name };
}
