// metav1.Time on the wire: RFC 3339 at second precision.

let formattedSecond = NaN;
let formatted = '';

/**
 * RFC 3339 with second precision, as Kubernetes writes metav1.Time. Every write and
 * every event stamps times, so the string is made once per second, not once per call.
 */
export function nowTime(d?: Date): string {
  const second = Math.floor((d ? d.getTime() : Date.now()) / 1000);
  if (second !== formattedSecond) {
    formatted = formatTime(second * 1000);
    formattedSecond = second;
  }
  return formatted;
}

/** metav1.Time of a moment in ms since the epoch: RFC 3339, the milliseconds dropped. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
