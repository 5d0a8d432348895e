// The scheduling queue, after kube-scheduler's PriorityQueue: pods wait in
// `active` (highest priority first, then oldest), pods that didn't fit wait in
// `unschedulable` until a cluster change could let them fit, and then sit out
// the rest of their backoff (1 s doubling to 10 s) in `backoff`.
import { KeyedHeap } from './heap.js';
import type { PodInfo } from './pod-info.js';

export interface QueuedPod {
  info: PodInfo;
  readonly key: string;
  /** insertion order: the last tie-break */
  readonly seq: number;
  /** scheduling attempts so far */
  attempts: number;
  /** when the backoff of the last failure ends */
  backoffUntil: number;
  /** when it last entered `unschedulable` */
  unschedulableSince: number;
  /** the cycle that popped it last */
  cycle: number;
  /** deleted while being scheduled: must not be requeued */
  deleted: boolean;
  /** whether another pod going away could make room (it failed on resources or ports, not on taints or selectors) */
  podDeleteMayHelp: boolean;
}

/** Cluster changes that may let unschedulable pods fit. */
export type ClusterEvent = 'NodeAdd' | 'NodeUpdate' | 'AssignedPodDelete' | 'StorageChange';

export interface SchedulingQueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** unschedulable pods are retried at least this often even without a cluster change */
  maxUnschedulableMs?: number;
  /** how often backoff and unschedulable pods are checked for expiry */
  flushIntervalMs?: number;
  now?: () => number;
}

export interface QueueStats {
  active: number;
  backoff: number;
  unschedulable: number;
  inFlight: number;
}

function byPriorityThenAge(a: QueuedPod, b: QueuedPod): boolean {
  if (a.info.priority !== b.info.priority) return a.info.priority > b.info.priority;
  if (a.info.createdMs !== b.info.createdMs) return a.info.createdMs < b.info.createdMs;
  return a.seq < b.seq;
}

function byBackoffEnd(a: QueuedPod, b: QueuedPod): boolean {
  return a.backoffUntil < b.backoffUntil || (a.backoffUntil === b.backoffUntil && byPriorityThenAge(a, b));
}

const keyOf = (q: QueuedPod): string => q.key;

/** initial × 2^(attempts-1), capped. */
export function backoffDuration(attempts: number, initialMs: number, maxMs: number): number {
  let d = initialMs;
  for (let i = 1; i < attempts; i++) {
    d *= 2;
    if (d >= maxMs) return maxMs;
  }
  return Math.min(d, maxMs);
}

/**
 * Whether an update could change the scheduling outcome: anything but status
 * and bookkeeping metadata. Our own PodScheduled=False writes must not count,
 * or every failure would retry itself at once.
 */
export function podSpecChanged(oldInfo: PodInfo, newInfo: PodInfo): boolean {
  const strip = (info: PodInfo): string => {
    const { resourceVersion: _rv, generation: _g, managedFields: _mf, ...meta } = info.pod.metadata;
    return JSON.stringify([meta, info.pod.spec]);
  };
  return strip(oldInfo) !== strip(newInfo);
}

export class SchedulingQueue {
  private readonly active = new KeyedHeap<QueuedPod>(keyOf, byPriorityThenAge);
  private readonly backoff = new KeyedHeap<QueuedPod>(keyOf, byBackoffEnd);
  private readonly unschedulable = new Map<string, QueuedPod>();
  private readonly inFlight = new Map<string, QueuedPod>();
  private waiters: Array<(q: QueuedPod | undefined) => void> = [];
  private seq = 0;
  private cycle = 0;
  /** the cycle during which a cluster change last asked to retry unschedulable pods */
  private moveRequestCycle = -1;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private lastUnschedulableFlush: number;
  private readonly o: Required<Omit<SchedulingQueueOptions, 'now'>>;
  private readonly now: () => number;

  constructor(opts: SchedulingQueueOptions = {}) {
    this.o = {
      initialBackoffMs: opts.initialBackoffMs ?? 1000,
      maxBackoffMs: opts.maxBackoffMs ?? 10_000,
      maxUnschedulableMs: opts.maxUnschedulableMs ?? 5 * 60_000,
      flushIntervalMs: opts.flushIntervalMs ?? 200,
    };
    this.now = opts.now ?? Date.now;
    this.lastUnschedulableFlush = this.now();
    this.timer = setInterval(() => this.flush(), this.o.flushIntervalMs);
    this.timer.unref();
  }

  stats(): QueueStats {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, inFlight: this.inFlight.size };
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key) || this.inFlight.has(key);
  }

  /** A pod to schedule, new or changed. */
  addOrUpdate(info: PodInfo): void {
    if (this.closed) return;
    const key = info.key;
    const flying = this.inFlight.get(key);
    if (flying) {
      flying.info = info;
      return;
    }
    const act = this.active.get(key);
    if (act) {
      act.info = info;
      this.active.push(act);
      return;
    }
    const back = this.backoff.get(key);
    if (back) {
      back.info = info;
      this.backoff.push(back);
      return;
    }
    const unsched = this.unschedulable.get(key);
    if (unsched) {
      const changed = podSpecChanged(unsched.info, info);
      unsched.info = info;
      if (changed) {
        this.unschedulable.delete(key);
        this.activeOrBackoff(unsched);
      }
      return;
    }
    this.pushActive({
      info, key, seq: this.seq++, attempts: 0, backoffUntil: 0, unschedulableSince: 0, cycle: -1, deleted: false, podDeleteMayHelp: true,
    });
  }

  /** The pod is gone (deleted, or assigned by someone else). */
  delete(key: string): void {
    const flying = this.inFlight.get(key);
    if (flying) flying.deleted = true;
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
  }

  /** The next pod to schedule; undefined once closed or when `signal` aborts the wait. */
  pop(signal?: AbortSignal): Promise<QueuedPod | undefined> {
    if (this.closed || signal?.aborted) return Promise.resolve(undefined);
    const q = this.active.pop();
    if (q) return Promise.resolve(this.startCycle(q));
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(undefined);
      };
      const waiter = (x: QueuedPod | undefined): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(x);
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Scheduled (assumed on a node): the queue lets go of it. */
  done(q: QueuedPod): void {
    this.inFlight.delete(q.key);
  }

  /**
   * Didn't fit anywhere. It waits for a cluster change, unless one already
   * happened while it was being scheduled: that change might be the one that
   * lets it fit, so it only sits out its backoff.
   */
  requeueUnschedulable(q: QueuedPod, podDeleteMayHelp = true): void {
    if (!this.release(q)) return;
    q.podDeleteMayHelp = podDeleteMayHelp;
    const now = this.now();
    q.backoffUntil = now + backoffDuration(q.attempts, this.o.initialBackoffMs, this.o.maxBackoffMs);
    if (this.moveRequestCycle >= q.cycle) {
      this.backoff.push(q);
    } else {
      q.unschedulableSince = now;
      this.unschedulable.set(q.key, q);
    }
  }

  /** Failed for another reason (a binding error): retry after the backoff. */
  requeueBackoff(q: QueuedPod): void {
    if (!this.release(q)) return;
    q.backoffUntil = this.now() + backoffDuration(q.attempts, this.o.initialBackoffMs, this.o.maxBackoffMs);
    this.backoff.push(q);
  }

  /**
   * A cluster change that may let waiting pods fit. A deleted pod only frees
   * resources and ports, so pods kept out by taints or selectors stay put
   * (a cheap form of kube-scheduler's queueing hints).
   */
  moveAllToActiveOrBackoff(event: ClusterEvent = 'NodeAdd'): void {
    this.moveRequestCycle = this.cycle;
    if (this.unschedulable.size === 0) return;
    for (const q of [...this.unschedulable.values()]) {
      if (event === 'AssignedPodDelete' && !q.podDeleteMayHelp) continue;
      this.unschedulable.delete(q.key);
      this.activeOrBackoff(q);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(undefined);
  }

  /** Moves pods whose backoff ended to active; retries long-unschedulable pods. */
  flush(): void {
    const now = this.now();
    for (let q = this.backoff.peek(); q && q.backoffUntil <= now; q = this.backoff.peek()) {
      this.backoff.pop();
      this.pushActive(q);
    }
    if (now - this.lastUnschedulableFlush < 30_000) return;
    this.lastUnschedulableFlush = now;
    for (const q of [...this.unschedulable.values()]) {
      if (now - q.unschedulableSince < this.o.maxUnschedulableMs) continue;
      this.unschedulable.delete(q.key);
      this.activeOrBackoff(q);
    }
  }

  private release(q: QueuedPod): boolean {
    this.inFlight.delete(q.key);
    // A newer add for the same key (recreated pod) may already be queued.
    return !this.closed && !q.deleted && !this.has(q.key);
  }

  private activeOrBackoff(q: QueuedPod): void {
    if (q.backoffUntil > this.now()) this.backoff.push(q);
    else this.pushActive(q);
  }

  private pushActive(q: QueuedPod): void {
    const w = this.waiters.shift();
    if (w) w(this.startCycle(q));
    else this.active.push(q);
  }

  private startCycle(q: QueuedPod): QueuedPod {
    q.attempts++;
    q.cycle = ++this.cycle;
    q.deleted = false;
    this.inFlight.set(q.key, q);
    return q;
  }
}
