// The scheduling loop: pop the next pod, run a cycle over the cached nodes,
// assume the pod on the chosen node, and bind asynchronously while the next
// cycle already runs. Failures go back to the queue and are reported to users.
import type { Logger } from 'pino';
import { findResource } from '../api/resources.js';
import type { Pod } from '../api/types/index.js';
import { EventRecorder, type RestClient } from '../client/index.js';
import { Binder, classifyBindError } from './bind.js';
import { SchedulerCache } from './cache.js';
import { bindFailedMessage, fitErrorMessage, scheduledMessage, unschedulableConditionPatch } from './events.js';
import { schedulePod, type Profile } from './framework.js';
import type { PodInfo } from './pod-info.js';
import { HOST_PORTS_REASON } from './plugins/host-ports.js';
import { defaultProfile } from './plugins/index.js';
import { TOO_MANY_PODS } from './plugins/resources-fit.js';
import { SchedulingQueue, type QueuedPod } from './queue.js';

const podsInfo = findResource('', 'v1', 'pods')!;

export interface SchedulerConfig {
  /** binds pods */
  client: RestClient;
  /** writes events and pod conditions, on its own connections so they never hold up bindings */
  reportClient: RestClient;
  logger: Logger;
  /** the name events are reported under */
  schedulerName: string;
  profile?: Profile;
  /** percentageOfNodesToScore; 0 adapts to the cluster size */
  percentageOfNodesToScore?: number;
  maxBindsInFlight?: number;
  /** the pending pod as the informer knows it now; pods gone from there are skipped */
  lookupPending?: (key: string) => Pod | undefined;
  /** runs after a node is chosen and before the binding (volume binding); a throw retries the pod */
  preBind?: (info: PodInfo, nodeName: string) => Promise<void>;
}

export interface SchedulerCounters {
  /** cycles that chose a node */
  scheduled: number;
  bound: number;
  /** cycles in which no node fit */
  unschedulable: number;
  /** bindings answered "already assigned" (409) */
  bindConflicts: number;
  bindErrors: number;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue = new SchedulingQueue();
  readonly counters: SchedulerCounters = { scheduled: 0, bound: 0, unschedulable: 0, bindConflicts: 0, bindErrors: 0 };
  private readonly binder: Binder;
  private readonly recorder: EventRecorder;
  private readonly profile: Profile;
  private readonly log: Logger;
  /** where the next cycle starts filtering, so successive pods see different nodes first */
  private nextStart = 0;

  constructor(private readonly cfg: SchedulerConfig) {
    this.binder = new Binder(cfg.client, cfg.maxBindsInFlight ?? 64);
    this.recorder = new EventRecorder(cfg.reportClient, { component: cfg.schedulerName }, cfg.logger);
    this.profile = cfg.profile ?? defaultProfile();
    this.log = cfg.logger;
  }

  /** Schedules until `signal` aborts; bindings already in flight finish on their own. Never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    this.log.info({ queue: this.queue.stats(), nodes: this.cache.nodeList().length }, 'scheduling started');
    while (!signal.aborted) {
      await this.binder.slot(signal);
      const q = await this.queue.pop(signal);
      if (!q) break;
      if (signal.aborted) {
        // Not ours to schedule any more: leave it for whoever leads next.
        this.queue.requeueBackoff(q);
        break;
      }
      try {
        this.scheduleOne(q);
      } catch (e) {
        this.log.error({ pod: q.key, err: (e as Error).message }, 'scheduling cycle failed');
        this.queue.requeueBackoff(q);
      }
      // Cycles are synchronous: let informer events and bind replies in between.
      await yieldToEventLoop();
    }
    this.log.info({}, 'scheduling stopped');
  }

  /** One cycle for one pod. Synchronous, so the cache can't change under it. */
  scheduleOne(q: QueuedPod): void {
    let info = q.info;
    const current = this.cfg.lookupPending?.(q.key);
    if (this.cfg.lookupPending && (!current || current.metadata.uid !== info.pod.metadata.uid)) {
      this.queue.done(q);
      return;
    }
    if (current && current !== info.pod) info = q.info = { ...info, pod: current };
    const pod = info.pod;
    if (q.deleted || pod.metadata.deletionTimestamp || pod.spec?.nodeName || this.cache.hasPod(info.uid)) {
      this.queue.done(q);
      return;
    }

    const nodes = this.cache.nodeList();
    const result = schedulePod(info, nodes, this.profile, {
      start: this.nextStart,
      percentage: this.cfg.percentageOfNodesToScore,
    });
    if (nodes.length > 0) this.nextStart = (this.nextStart + result.processed) % nodes.length;

    if (!result.node) {
      this.counters.unschedulable++;
      this.queue.requeueUnschedulable(q, podDeleteMayHelp(result.diagnosis.reasons.keys()));
      const message = fitErrorMessage(result.diagnosis);
      this.log.info({ pod: info.key, attempts: q.attempts, message }, 'pod is unschedulable');
      this.reportFailure(info, message);
      return;
    }

    const nodeName = result.node.name;
    this.cache.assume(info, nodeName);
    this.counters.scheduled++;
    this.log.debug({ pod: info.key, node: nodeName, feasible: result.feasible }, 'assumed pod on node');
    void this.bind(q, info, nodeName);
  }

  /** Binds in the background; the pod stays in flight in the queue until the apiserver answers. Never rejects. */
  private async bind(q: QueuedPod, info: PodInfo, nodeName: string): Promise<void> {
    try {
      await this.cfg.preBind?.(info, nodeName);
      await this.binder.bind(info, nodeName);
    } catch (e) {
      this.cache.forget(info.uid);
      const kind = classifyBindError(e);
      if (kind === 'retry') {
        this.counters.bindErrors++;
        this.log.warn({ pod: info.key, node: nodeName, err: (e as Error).message }, 'binding failed; retrying after backoff');
        this.queue.requeueBackoff(q);
        this.reportFailure(info, bindFailedMessage(e), 'SchedulerError');
      } else {
        if (kind === 'bound') this.counters.bindConflicts++;
        this.log.warn({ pod: info.key, node: nodeName, err: (e as Error).message }, 'binding refused; forgetting pod');
        this.queue.done(q);
      }
      return;
    }
    this.cache.finishBinding(info.uid);
    this.queue.done(q);
    this.counters.bound++;
    this.log.debug({ pod: info.key, node: nodeName }, 'bound pod to node');
    this.recorder.event(eventTarget(info.pod), 'Normal', 'Scheduled', scheduledMessage(info.namespace, info.name, nodeName));
  }

  /** FailedScheduling event plus PodScheduled=False; both best effort. */
  private reportFailure(info: PodInfo, message: string, reason = 'Unschedulable'): void {
    this.recorder.event(eventTarget(info.pod), 'Warning', 'FailedScheduling', message);
    const patch = unschedulableConditionPatch(info.pod, reason, message);
    if (!patch) return;
    this.cfg.reportClient.patch(podsInfo, info.namespace, info.name, patch, 'merge', { subresource: 'status', timeoutMs: 30_000 }).catch(
      (e: unknown) => this.log.debug({ pod: info.key, err: (e as Error).message }, 'could not update PodScheduled condition'),
    );
  }
}

/** Resource and port shortages are what a deleted pod gives back. */
export function podDeleteMayHelp(reasons: Iterable<string>): boolean {
  for (const r of reasons) {
    if (r.startsWith('Insufficient ') || r === TOO_MANY_PODS || r === HOST_PORTS_REASON) return true;
  }
  return false;
}

function eventTarget(pod: Pod): { apiVersion: string; kind: string; metadata: Pod['metadata'] } {
  const m = pod.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion },
  };
}
