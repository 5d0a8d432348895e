// Batches change notifications into syncs: at most one sync per min interval, one
// at a time, a full one every period (repairs drift such as a flushed table), and
// failed syncs retried with backoff as full ones.
import type { Logger } from 'pino';

export interface SyncRunnerOptions {
  minIntervalMs: number;
  periodMs: number;
  /** first retry delay after a failure; doubles up to periodMs */
  retryMs?: number;
  log: Logger;
}

export class SyncRunner {
  private pending = false;
  private pendingFull = false;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private timerAt = 0;
  private periodic?: NodeJS.Timeout;
  private lastStart = 0;
  private failures = 0;
  private stopped = false;
  private started = false;
  /** when the oldest unsynced request arrived; undefined when in sync */
  pendingSince?: number;

  constructor(private readonly fn: (full: boolean) => Promise<void>, private readonly opts: SyncRunnerOptions) {}

  /** Requests made before start() are held until then (the caches are not complete yet). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    if (this.pending) this.schedule(0);
    this.periodic = setInterval(() => this.request(true), this.opts.periodMs);
    this.periodic.unref();
  }

  /** Asks for a sync soon (full: rewrite everything). */
  request(full = false): void {
    if (this.stopped) return;
    this.pending = true;
    this.pendingFull ||= full;
    this.pendingSince ??= Date.now();
    if (!this.started) return;
    this.schedule(Math.max(0, this.lastStart + this.opts.minIntervalMs - Date.now()));
  }

  private schedule(delayMs: number): void {
    if (this.running || this.stopped) return; // the running sync reschedules when it ends
    const at = Date.now() + delayMs;
    if (this.timer) {
      if (this.timerAt <= at) return; // keep whichever fires first
      clearTimeout(this.timer);
    }
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runOnce();
    }, delayMs);
  }

  private async runOnce(): Promise<void> {
    if (this.running || this.stopped || !this.pending) return;
    const full = this.pendingFull;
    const since = this.pendingSince;
    this.pending = false;
    this.pendingFull = false;
    this.pendingSince = undefined;
    this.lastStart = Date.now();
    let retryIn: number | undefined;
    this.running = (async () => {
      try {
        await this.fn(full);
        this.failures = 0;
      } catch (e) {
        this.failures++;
        retryIn = Math.min(this.opts.periodMs, (this.opts.retryMs ?? 1000) * 2 ** (this.failures - 1));
        this.opts.log.error({ err: (e as Error).message, full, failures: this.failures, retryInMs: retryIn }, 'sync failed');
        // What the kernel holds is now unknown: the retry rewrites everything.
        this.pending = true;
        this.pendingFull = true;
        this.pendingSince ??= since;
      }
    })();
    await this.running;
    this.running = undefined;
    if (this.pending) this.schedule(retryIn ?? Math.max(0, this.lastStart + this.opts.minIntervalMs - Date.now()));
  }

  /** Stops scheduling; waits for a running sync. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.periodic) clearInterval(this.periodic);
    await this.running;
  }
}
