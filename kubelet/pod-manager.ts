// Which pods this node runs and when each is synced: pods bound here (an
// informer on spec.nodeName) plus static pods, one work-queue key per pod uid
// so a pod is never synced twice at once while different pods sync in
// parallel. Docker events (a container died) and probe changes requeue a pod;
// a periodic resync and housekeeping catch anything missed, including
// containers of pods that no longer exist.
import type { Logger } from 'pino';
import type { Pod } from '../api/types/index.js';
import { findResource } from '../api/resources.js';
import { isNotFound } from '../api/errors.js';
import { Informer, RateLimitingQueue, runWorkers, type RestClient } from '../client/index.js';
import type { PodWorker } from './pod-worker.js';
import type { DockerRuntime } from './runtime/docker.js';
import { gracePeriodOf } from './runtime/create-options.js';
import { isMirrorPod, MIRROR_ANNOTATION, type MirrorPods, type StaticPodSource } from './static-pods.js';
import type { StatusManager } from './status-manager.js';

const pods = findResource('', 'v1', 'pods')!;
const RESYNC_MS = 30_000;
const HOUSEKEEPING_MS = 20_000;
const WORKERS = 32;

export interface PodManagerOptions {
  client: RestClient;
  nodeName: string;
  runtime: DockerRuntime;
  worker: PodWorker;
  status: StatusManager;
  staticPods?: StaticPodSource;
  mirrors?: MirrorPods;
  log: Logger;
}

export class PodManager {
  readonly informer: Informer<Pod>;
  private readonly queue = new RateLimitingQueue<string>({ baseDelayMs: 500, maxDelayMs: 30_000 });
  /** uid → API pod (mirror pods excluded) */
  private readonly apiByUid = new Map<string, Pod>();
  /** last object seen per uid, for grace periods after the pod is gone */
  private readonly lastSeen = new Map<string, Pod>();
  /** uids whose deletion this kubelet already confirmed */
  private readonly confirmed = new Set<string>();
  private readonly abort = new AbortController();
  private timers: NodeJS.Timeout[] = [];
  private workers?: Promise<void>;

  constructor(private readonly o: PodManagerOptions) {
    this.informer = new Informer<Pod>(o.client, pods, {
      fieldSelector: `spec.nodeName=${o.nodeName}`,
      logger: o.log,
      backoffMaxMs: 5_000,
    });
    this.informer.on('add', (p) => this.onApiPod(p));
    this.informer.on('update', (old, p) => {
      if (old.metadata.uid !== p.metadata.uid) this.onApiDelete(old);
      this.onApiPod(p);
    });
    this.informer.on('delete', (p) => this.onApiDelete(p));
  }

  /** Starts watching and syncing; resolves once the first pod list is in (or after `syncTimeoutMs`). */
  async start(syncTimeoutMs = 10_000): Promise<void> {
    void this.informer.start(this.abort.signal);
    this.o.runtime.watchEvents(
      (ev) => {
        if (ev.id) this.o.runtime.noteEvent(ev.id);
        if (ev.podUid && (ev.action === 'die' || ev.action === 'destroy' || ev.action === 'oom')) {
          this.queue.add(ev.podUid);
          // A second look, in case Docker's own bookkeeping lagged behind its event.
          this.queue.addAfter(ev.podUid, 1000);
        }
      },
      () => this.resyncAll(),
      this.abort.signal,
    );
    this.workers = runWorkers(this.queue, WORKERS, (uid) => this.sync(uid), { logger: this.o.log, signal: this.abort.signal });
    const timeout = AbortSignal.timeout(syncTimeoutMs);
    const synced = await this.informer.waitForSync(AbortSignal.any([timeout, this.abort.signal]));
    if (!synced) this.o.log.warn({ node: this.o.nodeName }, 'pod list not synced yet; running static pods meanwhile');
    this.resyncAll();
    this.timers.push(setInterval(() => this.resyncAll(), RESYNC_MS));
    this.timers.push(setInterval(() => void this.housekeeping(), HOUSEKEEPING_MS));
    void this.housekeeping();
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.abort.abort();
    this.queue.shutDown();
    await this.workers?.catch(() => undefined);
  }

  /** Sync a pod again, now or after `ms`. */
  requeue(uid: string, ms: number): void {
    if (ms <= 0) this.queue.add(uid);
    else this.queue.addAfter(uid, ms);
  }

  /** Static pods changed (files added, edited or removed). */
  onStaticChange(uids: string[]): void {
    for (const uid of uids) this.queue.add(uid);
    void this.syncMirrors();
  }

  /** The API object status is written to: the pod itself, or the mirror of a static pod. */
  apiObjectFor(pod: Pod): Pod | undefined {
    if (!this.isStatic(pod.metadata.uid ?? '')) return this.apiByUid.get(pod.metadata.uid ?? '') ?? pod;
    const mirror = this.informer.store.getByName(pod.metadata.namespace, pod.metadata.name ?? '');
    return mirror && mirror.metadata.annotations?.[MIRROR_ANNOTATION] === pod.metadata.uid ? mirror : undefined;
  }

  /** The pod this node runs under `uid` (an API pod or a static pod). */
  podByUid(uid: string): Pod | undefined {
    return this.desired(uid)?.pod ?? this.lastSeen.get(uid);
  }

  private isStatic(uid: string): boolean {
    return !!this.o.staticPods?.pods.has(uid);
  }

  private onApiPod(p: Pod): void {
    if (isMirrorPod(p)) {
      // A mirror changed or appeared: its static pod reports status to it, or it needs recreating.
      const staticUid = p.metadata.annotations?.[MIRROR_ANNOTATION] ?? '';
      if (this.isStatic(staticUid)) this.queue.add(staticUid);
      void this.syncMirrors();
      return;
    }
    const uid = p.metadata.uid ?? '';
    if (p.metadata.deletionTimestamp && !this.apiByUid.get(uid)?.metadata.deletionTimestamp) {
      this.o.log.debug({ pod: `${p.metadata.namespace}/${p.metadata.name}`, node: this.o.nodeName, deletionTimestamp: p.metadata.deletionTimestamp }, 'pod deletion seen');
    }
    this.apiByUid.set(uid, p);
    this.lastSeen.set(uid, p);
    this.queue.add(uid);
  }

  private onApiDelete(p: Pod): void {
    if (isMirrorPod(p)) {
      void this.syncMirrors();
      return;
    }
    const uid = p.metadata.uid ?? '';
    this.apiByUid.delete(uid);
    this.lastSeen.set(uid, p);
    this.queue.add(uid);
  }

  private desired(uid: string): { pod: Pod; fromApi: boolean } | undefined {
    const api = this.apiByUid.get(uid);
    if (api) return { pod: api, fromApi: true };
    const sp = this.o.staticPods?.pods.get(uid);
    return sp ? { pod: sp, fromApi: false } : undefined;
  }

  private async sync(uid: string): Promise<void> {
    const t0 = Date.now();
    try {
      await this.syncPod(uid);
    } finally {
      this.o.log.debug({ uid, node: this.o.nodeName, ms: Date.now() - t0 }, 'pod key synced');
    }
  }

  private async syncPod(uid: string): Promise<void> {
    const want = this.desired(uid);
    if (!want) {
      // Not ours (any more). Before the first list we can't tell, so leave it alone.
      if (!this.informer.hasSynced()) return;
      const last = this.lastSeen.get(uid);
      const grace = last?.metadata.deletionGracePeriodSeconds ?? (last ? Math.min(gracePeriodOf(last), 2) : 2);
      await this.o.worker.terminate(uid, last, grace);
      this.o.status.forget(uid);
      this.lastSeen.delete(uid);
      this.confirmed.delete(uid);
      return;
    }
    const { pod, fromApi } = want;
    if (pod.metadata.deletionTimestamp) {
      if (this.confirmed.has(uid)) return;
      const grace = pod.metadata.deletionGracePeriodSeconds ?? gracePeriodOf(pod);
      this.o.log.info({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, node: this.o.nodeName, grace }, 'pod deleted; stopping it');
      await this.o.worker.terminate(uid, pod, grace);
      const t0 = Date.now();
      if (fromApi) await this.confirmDeletion(pod);
      this.o.log.debug({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, node: this.o.nodeName, ms: Date.now() - t0 }, 'pod deletion confirmed');
      this.confirmed.add(uid);
      return;
    }
    await this.o.worker.sync(pod);
  }

  /** Tells the apiserver the pod's containers are gone, so it deletes the object. */
  private async confirmDeletion(pod: Pod): Promise<void> {
    try {
      await this.o.client.delete(pods, pod.metadata.namespace, pod.metadata.name ?? '', {
        gracePeriodSeconds: 0,
        preconditions: { uid: pod.metadata.uid },
      }, { timeoutMs: 10_000 });
    } catch (e) {
      if (!isNotFound(e) && !/precondition/i.test((e as Error).message)) throw e;
    }
    this.o.status.forget(pod.metadata.uid ?? '');
  }

  private resyncAll(): void {
    for (const uid of this.apiByUid.keys()) this.queue.add(uid);
    for (const uid of this.o.staticPods?.pods.keys() ?? []) this.queue.add(uid);
  }

  /** Finds containers of pods this node should not run and queues them for removal; keeps mirrors right. */
  private async housekeeping(): Promise<void> {
    try {
      if (this.informer.hasSynced()) {
        const observed = await this.o.runtime.list();
        const uids = new Set(observed.map((c) => c.podUid));
        for (const uid of uids) if (!this.desired(uid)) this.queue.add(uid);
      }
      await this.syncMirrors();
    } catch (e) {
      this.o.log.warn({ err: (e as Error).message }, 'housekeeping failed');
    }
  }

  private async syncMirrors(): Promise<void> {
    if (!this.o.mirrors || !this.o.staticPods || !this.informer.hasSynced()) return;
    await this.o.mirrors.sync([...this.o.staticPods.pods.values()], this.informer.store.list()).catch((e: unknown) =>
      this.o.log.warn({ err: (e as Error).message }, 'mirror pod sync failed'),
    );
  }
}
