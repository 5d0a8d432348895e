// Keeps the cluster's component processes running: starts them, restarts one that
// exits (after a delay that doubles with every quick failure and resets once the
// process stayed up for a while), and stops them all in order. The process
// spawning and the clock are injected so that the policy is unit tested.
import { EventEmitter } from 'node:events';

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** a process that ran at least this long restarts after initialMs again */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 30_000, resetAfterMs: 60_000 };

/**
 * The delay before restart number `failures` (1 for the first restart after a
 * quick exit): initial, 2×, 4×, … capped at max.
 */
export function restartDelay(failures: number, p: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (failures <= 1) return p.initialMs;
  return Math.min(p.maxMs, p.initialMs * 2 ** Math.min(failures - 1, 30));
}

/** Consecutive quick failures after an exit: reset when the process had run long enough. */
export function nextFailureCount(previous: number, uptimeMs: number, p: BackoffPolicy = DEFAULT_BACKOFF): number {
  return uptimeMs >= p.resetAfterMs ? 1 : previous + 1;
}

export interface ChildLike {
  readonly pid?: number;
  kill(signal?: NodeJS.Signals): boolean;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface SupervisedSpec {
  name: string;
}

export interface SupervisorOptions<S extends SupervisedSpec> {
  spawn(spec: S): ChildLike;
  clock?: Clock;
  backoff?: BackoffPolicy;
  /** names stopped after all the others (the apiserver, which the others talk to) */
  stopLast?: string[];
  /** SIGTERM, then SIGKILL after this long */
  stopTimeoutMs?: number;
}

export interface SupervisorEvents {
  started: [name: string, pid: number | undefined, restarts: number];
  exited: [name: string, code: number | null, signal: NodeJS.Signals | null, uptimeMs: number];
  restarting: [name: string, delayMs: number, restarts: number];
  'spawn-error': [name: string, err: Error];
}

interface Slot<S> {
  spec: S;
  child?: ChildLike;
  startedAt: number;
  failures: number;
  restarts: number;
  timer?: unknown;
  exited?: Promise<void>;
}

export class Supervisor<S extends SupervisedSpec> extends EventEmitter<SupervisorEvents> {
  private readonly slots = new Map<string, Slot<S>>();
  private readonly clock: Clock;
  private readonly backoff: BackoffPolicy;
  private stopping = false;

  constructor(private readonly opts: SupervisorOptions<S>) {
    super();
    this.clock = opts.clock ?? realClock;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
  }

  /** Starts a component and keeps it running until stop(). */
  start(spec: S): void {
    if (this.stopping) throw new Error('supervisor is stopping');
    if (this.slots.has(spec.name)) throw new Error(`${spec.name} is already supervised`);
    const slot: Slot<S> = { spec, startedAt: 0, failures: 0, restarts: 0 };
    this.slots.set(spec.name, slot);
    this.launch(slot);
  }

  /** Current process ids by component (undefined while one waits to restart). */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries([...this.slots].map(([name, s]) => [name, s.child?.pid]));
  }

  restartCount(name: string): number {
    return this.slots.get(name)?.restarts ?? 0;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  private launch(slot: Slot<S>): void {
    slot.timer = undefined;
    if (this.stopping) return;
    let child: ChildLike;
    try {
      child = this.opts.spawn(slot.spec);
    } catch (e) {
      this.emit('spawn-error', slot.spec.name, e as Error);
      this.scheduleRestart(slot, 0);
      return;
    }
    slot.child = child;
    slot.startedAt = this.clock.now();
    slot.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const uptime = this.clock.now() - slot.startedAt;
        if (slot.child === child) slot.child = undefined;
        this.emit('exited', slot.spec.name, code, signal, uptime);
        resolve();
        if (!this.stopping) this.scheduleRestart(slot, uptime);
      });
    });
    this.emit('started', slot.spec.name, child.pid, slot.restarts);
  }

  private scheduleRestart(slot: Slot<S>, uptimeMs: number): void {
    slot.failures = nextFailureCount(slot.failures, uptimeMs, this.backoff);
    const delay = restartDelay(slot.failures, this.backoff);
    slot.restarts++;
    this.emit('restarting', slot.spec.name, delay, slot.restarts);
    slot.timer = this.clock.setTimeout(() => this.launch(slot), delay);
  }

  /** Stops every component: all but `stopLast` together, then those; SIGKILL after the timeout. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const s of this.slots.values()) {
      if (s.timer !== undefined) this.clock.clearTimeout(s.timer);
      s.timer = undefined;
    }
    const last = new Set(this.opts.stopLast ?? []);
    const all = [...this.slots.values()];
    await Promise.all(all.filter((s) => !last.has(s.spec.name)).map((s) => this.stopOne(s)));
    await Promise.all(all.filter((s) => last.has(s.spec.name)).map((s) => this.stopOne(s)));
  }

  private async stopOne(slot: Slot<S>): Promise<void> {
    const child = slot.child;
    if (!child) return;
    child.kill('SIGTERM');
    const kill = this.clock.setTimeout(() => child.kill('SIGKILL'), this.opts.stopTimeoutMs ?? 15_000);
    await slot.exited;
    this.clock.clearTimeout(kill);
  }
}
