// Ports of apimachinery's duration.HumanDuration and the printers' timestamp
// helpers: kubectl prints these strings verbatim, so the rounding must match.

import { humanDuration } from '../../api/duration.js';

export { humanDuration };

/** Milliseconds since the epoch, or undefined for a missing or unparseable timestamp (Go's zero time). */
export function parseTimestamp(ts: unknown): number | undefined {
  if (typeof ts !== 'string' || ts === '') return undefined;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? undefined : t;
}

/** Elapsed time since `ts` as HumanDuration, `<unknown>` when unset. */
export function translateTimestampSince(ts: unknown, now: Date): string {
  const t = parseTimestamp(ts);
  return t === undefined ? '<unknown>' : humanDuration(now.getTime() - t);
}
