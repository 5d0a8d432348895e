// Controller work queue with client-go's guarantees: a key is never processed by
// two workers at once, keys added repeatedly before processing collapse into one,
// and failures are retried with per-key exponential backoff.
import { errorFields, silentLogger, type Logger } from './logger.js';
import { ItemExponentialRateLimiter, type ItemRateLimiter } from './rate-limit.js';

export interface RateLimitingQueueOptions<K> {
  /** first retry delay of addRateLimited; doubles per consecutive failure */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** replaces the exponential per-key limiter */
  rateLimiter?: ItemRateLimiter<K>;
}

export class RateLimitingQueue<K = string> {
  private queue: K[] = [];
  /** keys that need processing (queued, or re-added while being processed) */
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiting = new Map<K, { at: number; timer: NodeJS.Timeout }>();
  private getters: Array<(key: K | undefined) => void> = [];
  private shuttingDown = false;
  private readonly limiter: ItemRateLimiter<K>;

  constructor(opts: RateLimitingQueueOptions<K> = {}) {
    this.limiter = opts.rateLimiter ?? new ItemExponentialRateLimiter<K>(opts.baseDelayMs ?? 5, opts.maxDelayMs ?? 1_000_000);
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    // A key being processed is queued again by done(), so it never runs twice at once.
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  /** Next key to process, marked as processing until done(); undefined once shut down and drained. */
  get(): Promise<K | undefined> {
    const key = this.take();
    if (key !== undefined || this.shuttingDown) return Promise.resolve(key);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) this.enqueue(key);
  }

  /** Adds after a delay; of several pending delays for one key, the earliest wins. */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + ms;
    const pending = this.waiting.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { at, timer });
  }

  /** Re-adds after the key's backoff, which grows with each call until forget(). */
  addRateLimited(key: K): void {
    this.addAfter(key, this.limiter.when(key));
  }

  /** Resets the key's backoff (call after a successful sync). */
  forget(key: K): void {
    this.limiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.limiter.numRequeues(key);
  }

  /** Keys ready to be handed out (not counting processing or delayed ones). */
  len(): number {
    return this.queue.length;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Stops accepting keys, drops delayed ones, and wakes idle getters with undefined. */
  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    const getters = this.getters;
    this.getters = [];
    for (const g of getters) g(undefined);
  }

  private enqueue(key: K): void {
    const getter = this.getters.shift();
    if (getter) {
      this.dirty.delete(key);
      this.processing.add(key);
      getter(key);
    } else {
      this.queue.push(key);
    }
  }

  private take(): K | undefined {
    if (this.queue.length === 0) return undefined;
    const key = this.queue.shift() as K;
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }
}

export interface RunWorkersOptions {
  logger?: Logger;
  /** shuts the queue down when aborted */
  signal?: AbortSignal;
  /** drop a key after this many consecutive failures; retried forever by default */
  maxRetries?: number;
}

/**
 * Runs `n` workers that each take a key, sync it, and forget it on success or
 * requeue it with backoff on failure. Resolves when the queue is shut down and
 * the workers have finished their current keys; never rejects.
 */
export async function runWorkers<K>(
  queue: RateLimitingQueue<K>,
  n: number,
  sync: (key: K) => Promise<void>,
  opts: RunWorkersOptions = {},
): Promise<void> {
  const log = opts.logger ?? silentLogger;
  const onAbort = (): void => queue.shutDown();
  if (opts.signal?.aborted) queue.shutDown();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const worker = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await sync(key);
        queue.forget(key);
      } catch (e) {
        const retries = queue.numRequeues(key);
        if (opts.maxRetries !== undefined && retries >= opts.maxRetries) {
          log.error({ key: String(key), retries, ...errorFields(e) }, 'sync failed; dropping key');
          queue.forget(key);
        } else {
          log.warn({ key: String(key), retries, ...errorFields(e) }, 'sync failed; requeuing');
          queue.addRateLimited(key);
        }
      } finally {
        queue.done(key);
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.max(1, n) }, () => worker()));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
