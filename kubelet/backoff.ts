// CrashLoopBackOff and retry delays, derived only from what Docker labels and
// timestamps record, so they survive a kubelet restart.
//
// Steps: the first container instance carries step -1. When an instance dies,
// its replacement gets step+1 (or 0 after a long run). Step 0 restarts at once,
// step k ≥ 1 waits min(10 s · 2^(k-1), 5 min) after the previous instance finished
// — the same sequence as the kubelet: immediate, 10 s, 20 s, 40 s, ... 5 min.

export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
/** an instance that ran this long resets the backoff */
export const BACKOFF_RESET_MS = 600_000;

/** Delay before starting an instance with this step. */
export function backoffDelayMs(step: number): number {
  if (step <= 0) return 0;
  return Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** Math.min(step - 1, 20));
}

/** Step of the next instance, given the dead one's step and how long it ran. */
export function nextBackoffStep(prevStep: number, ranForMs: number): number {
  if (ranForMs >= BACKOFF_RESET_MS) return 0;
  return Math.max(0, prevStep + 1);
}

export interface RestartTiming {
  step: number;
  /** epoch ms at which the next instance may start */
  notBefore: number;
}

/** When a dead instance may be replaced. Unknown times count as "just now" for finish and "no run" for start. */
export function restartTiming(prev: { backoffStep: number; startedAt?: number; finishedAt?: number }, now: number): RestartTiming {
  const finished = prev.finishedAt ?? now;
  const ran = prev.startedAt !== undefined ? Math.max(0, finished - prev.startedAt) : 0;
  const step = nextBackoffStep(prev.backoffStep, ran);
  return { step, notBefore: finished + backoffDelayMs(step) };
}

/**
 * Backoff for failures that leave no container behind (image pulls, create
 * errors): an in-memory record per key, doubling from 10 s up to 5 min.
 */
export class FailureBackoff {
  private readonly entries = new Map<string, { delayMs: number; until: number }>();

  constructor(
    private readonly initialMs = BACKOFF_INITIAL_MS,
    private readonly maxMs = BACKOFF_MAX_MS,
  ) {}

  /** Records a failure; returns when the next attempt may happen. */
  fail(key: string, now: number): number {
    const prev = this.entries.get(key);
    // An old failure long past its window starts the sequence again.
    const stale = prev && now - prev.until > 2 * this.maxMs;
    const delayMs = !prev || stale ? this.initialMs : Math.min(this.maxMs, prev.delayMs * 2);
    const until = now + delayMs;
    this.entries.set(key, { delayMs, until });
    return until;
  }

  /** Epoch ms before which the key must not be retried, or undefined. */
  blockedUntil(key: string, now: number): number | undefined {
    const e = this.entries.get(key);
    return e && e.until > now ? e.until : undefined;
  }

  succeed(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every key starting with `prefix` (a pod that went away). */
  forgetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}
