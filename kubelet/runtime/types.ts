// What the kubelet observes of a container in Docker, decoded from its labels
// and `docker inspect`: the input of every decision and of the pod status.
import type { ContainerType } from '../labels.js';
import { formatTime } from '../../api/time.js';

export type ObservedState = 'created' | 'running' | 'exited' | 'unknown';

export interface ObservedContainer {
  id: string;
  podUid: string;
  podName: string;
  podNamespace: string;
  /** container name from the pod spec, or `POD` for the sandbox */
  name: string;
  type: ContainerType;
  /** 0 for the first instance of this container in this pod */
  attempt: number;
  specHash: string;
  backoffStep: number;
  sandboxId?: string;
  state: ObservedState;
  /** RFC 3339, as Docker reports them */
  createdAt?: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  oomKilled?: boolean;
  /** Docker's error text when the runtime failed the container */
  error?: string;
  /** image reference the container was created from */
  image: string;
  /** `sha256:…` */
  imageId: string;
  /** sandbox only: its address on the pod network */
  ip?: string;
  gracePeriodSeconds?: number;
  terminationMessagePolicy?: string;
}

/** Epoch ms of a Docker timestamp; undefined for Docker's zero time. */
export function dockerTimeMs(t: string | undefined): number | undefined {
  if (!t || t.startsWith('0001-01-01')) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Docker's nanosecond timestamps as Kubernetes prints them (seconds precision). */
export function k8sTime(t: string | undefined): string | undefined {
  const ms = dockerTimeMs(t);
  return ms === undefined ? undefined : formatTime(ms);
}

/** Instances of one container, newest first. */
export function instancesOf(observed: ObservedContainer[], name: string, type: ContainerType): ObservedContainer[] {
  return observed.filter((c) => c.name === name && c.type === type).sort((a, b) => b.attempt - a.attempt || cmpCreated(b, a));
}

function cmpCreated(a: ObservedContainer, b: ObservedContainer): number {
  return (dockerTimeMs(a.createdAt) ?? 0) - (dockerTimeMs(b.createdAt) ?? 0);
}
