// Docker queries for one pod's containers, by the kubelet's labels.
import type Dockerode from 'dockerode';
import { pickContainer, podFilters, type ContainerSummary, type PodRef } from './containers.js';
import { LABEL_CONTAINER_NAME, LABEL_POD_IP, SANDBOX_CONTAINER_NAME } from '../labels.js';
import { precondition } from './errors.js';

export async function listPodContainers(docker: Dockerode, ref: PodRef, container?: string): Promise<ContainerSummary[]> {
  const list = await docker.listContainers({ all: true, filters: JSON.stringify(podFilters(ref, container)) });
  return list.map((c) => ({ id: c.Id, labels: c.Labels ?? {}, state: c.State, created: c.Created }));
}

/** The current (or previous) instance of a container, or a FAILED_PRECONDITION error worded like the kubelet's. */
export async function findContainer(docker: Dockerode, ref: PodRef, container: string, previous: boolean): Promise<ContainerSummary> {
  const found = pickContainer(await listPodContainers(docker, ref, container), previous);
  if (found) return found;
  if (previous) throw precondition(`previous terminated container "${container}" in pod "${ref.pod}" not found`);
  throw precondition(`container "${container}" in pod "${ref.pod}" is waiting to start: ContainerCreating`);
}

/** The pod's IP: its sandbox's address on the pod network (127.0.0.1 for host-network pods). */
export async function podIp(docker: Dockerode, ref: PodRef): Promise<string> {
  const all = await listPodContainers(docker, ref);
  const running = all.filter((c) => c.state === 'running');
  // the sandbox holds the network namespace; app containers joined to it show no address
  const ordered = [
    ...running.filter((c) => c.labels[LABEL_CONTAINER_NAME] === SANDBOX_CONTAINER_NAME),
    ...running.filter((c) => c.labels[LABEL_CONTAINER_NAME] !== SANDBOX_CONTAINER_NAME),
  ];
  if (!ordered.length) throw precondition(`pod "${ref.pod}" has no running sandbox on this node`);
  for (const c of ordered) {
    // on the kubelet's own bridge the kubelet's label is the only record of the address
    const labelled = c.labels[LABEL_POD_IP];
    if (labelled) return labelled;
    const info = await docker.getContainer(c.id).inspect();
    if (info.HostConfig?.NetworkMode === 'host') return '127.0.0.1';
    const legacy = (info.NetworkSettings as { IPAddress?: string } | undefined)?.IPAddress;
    if (legacy) return legacy;
    for (const n of Object.values(info.NetworkSettings?.Networks ?? {})) if (n.IPAddress) return n.IPAddress;
  }
  throw precondition(`pod "${ref.pod}" has no IP address yet`);
}
