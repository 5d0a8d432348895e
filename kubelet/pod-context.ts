// What the parts of the pod worker share: the kubelet's services, per-pod memory
// that can always be rebuilt, failure backoffs and event recording.
import type { Logger } from 'pino';
import type { Pod, PodStatus, ResourceList } from '../api/types/index.js';
import type { ObjectGetter } from './api-objects.js';
import { FailureBackoff } from './backoff.js';
import { containerFieldPath, type EventRecorder, type EventTarget } from './events.js';
import type { HandlerRunner } from './handlers.js';
import type { ImageManager } from './images.js';
import type { PodNetwork } from './network.js';
import type { ResolvConf } from './pod-files.js';
import type { ProbeManager } from './probes.js';
import type { DockerRuntime } from './runtime/docker.js';
import type { WaitingReason } from './status.js';
import { Semaphore } from './semaphore.js';
import type { PreparedVolume } from './volumes.js';

export interface PodWorkerDeps {
  nodeName: string;
  rootDir: string;
  runtime: DockerRuntime;
  images: ImageManager;
  objects: ObjectGetter;
  events: EventRecorder;
  probes: ProbeManager;
  handlers: HandlerRunner;
  network: () => PodNetwork;
  nodeIP: string;
  clusterDNS?: string;
  hostResolv: ResolvConf;
  nodeAllocatable: () => ResourceList;
  nodeMemoryBytes: number;
  log: Logger;
  /** sync the pod again after `ms` */
  requeue: (uid: string, ms: number) => void;
  /** hands the computed status to the status manager */
  writeStatus: (pod: Pod, status: PodStatus) => void;
  /** pods brought up at once (default 4) */
  parallelPodStarts?: number;
}

/** What the kubelet remembers about a pod between syncs; all of it can be rebuilt. */
export interface PodState {
  /** why a container is not running, by container name */
  waiting: Map<string, WaitingReason>;
  volumes?: Map<string, PreparedVolume>;
  volumesAt: number;
  termMessages: Map<string, string | undefined>;
  lastStatus?: PodStatus;
  /** containers created ahead of their start (id → container name) */
  precreated: Map<string, string>;
}

export class PodContext {
  /** backoff for failures that leave no container behind, keyed `<uid>/<container>` */
  readonly failures = new FailureBackoff();
  /** pods whose sandbox is being brought up at the same time */
  readonly startSlots: Semaphore;

  constructor(readonly d: PodWorkerDeps) {
    this.startSlots = new Semaphore(d.parallelPodStarts ?? 4);
  }

  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, container?: string, isInit = false): void {
    const target: EventTarget = { kind: 'Pod', name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? 'default', uid: pod.metadata.uid };
    this.d.events.record(target, type, reason, message, container ? containerFieldPath(container, isInit) : undefined);
  }

  /** Backs a key off and syncs the pod again when the backoff ends. */
  backOff(uid: string, key: string): void {
    const until = this.failures.fail(key, Date.now());
    this.d.requeue(uid, until - Date.now() + 50);
  }
}

/** Docker's own message from a dockerode error. */
export function dockerMessage(e: unknown): string {
  const json = (e as { json?: { message?: string } | string }).json;
  if (json && typeof json === 'object' && json.message) return json.message;
  if (typeof json === 'string' && json.trim()) return json.trim();
  return (e as Error).message ?? String(e);
}
