// Rate limiters shared by the REST client (request QPS) and the work queue (retry backoff).

/** Token bucket: `qps` tokens a second, at most `burst` saved up (client-go's default limiter). */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(qps > 0)) throw new Error(`TokenBucket: qps must be > 0 (got ${qps})`);
    if (!(burst >= 1)) throw new Error(`TokenBucket: burst must be >= 1 (got ${burst})`);
    this.tokens = burst;
    this.last = now();
  }

  /** Resolves when a token is available. Waiters are served in order. */
  take(signal?: AbortSignal): Promise<void> {
    // Chain the waits so a burst of callers is spread out fairly instead of all
    // computing the same delay from the same token count.
    const next = this.tail.then(() => this.wait(signal));
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async wait(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.refill();
    if (this.tokens < 1) {
      const ms = Math.ceil(((1 - this.tokens) / this.qps) * 1000);
      await sleep(ms, signal);
      this.refill();
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.qps);
    this.last = t;
  }
}

/** Per-item backoff: `base * 2^failures`, capped (client-go's ItemExponentialFailureRateLimiter). */
export interface ItemRateLimiter<K> {
  /** delay before the item's next retry; counts a failure */
  when(item: K): number;
  forget(item: K): void;
  numRequeues(item: K): number;
}

export class ItemExponentialRateLimiter<K> implements ItemRateLimiter<K> {
  private readonly failures = new Map<K, number>();

  constructor(
    private readonly baseDelayMs = 5,
    private readonly maxDelayMs = 1000 * 1000,
  ) {}

  when(item: K): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    // Exponents past ~60 overflow to Infinity, which the cap absorbs anyway.
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** n);
  }

  forget(item: K): void {
    this.failures.delete(item);
  }

  numRequeues(item: K): number {
    return this.failures.get(item) ?? 0;
  }
}

/** setTimeout as a promise that rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
