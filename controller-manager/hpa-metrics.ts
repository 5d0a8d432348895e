// Reading metrics.k8s.io/v1beta1 PodMetrics into per-pod usage, as the HPA's
// resource metrics client does (podautoscaler/metrics/client.go).
import { Quantity } from '../api/quantity.js';
import type { PodMetricsInfo } from './hpa-replicas.js';

/** The wire shape of one PodMetrics item. */
export interface PodMetricsItem {
  metadata: { name?: string; namespace?: string };
  timestamp?: string;
  window?: string;
  containers?: Array<{ name: string; usage?: Record<string, string> }>;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.Duration text (`1.004s`, `30s`, `1m0.5s`, `500ms`) in milliseconds; 0 when unparsable. */
export function parseGoDuration(s: string | undefined): number {
  if (!s) return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return 0;
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = re.lastIndex;
  }
  return total;
}

function milli(q: string): number | undefined {
  const v = Quantity.tryParse(q);
  return v === undefined ? undefined : v.milliValue();
}

/**
 * getPodMetrics / getContainerMetrics: a pod's usage is the sum over its
 * containers (or the named container's alone); a pod with no containers, or a
 * container without this resource, has no sample at all.
 */
export function podMetricsInfo(items: readonly PodMetricsItem[], resource: string, container = ''): PodMetricsInfo {
  const out: PodMetricsInfo = new Map();
  for (const m of items) {
    const name = m.metadata.name ?? '';
    const timestampMs = Date.parse(m.timestamp ?? '') || 0;
    const windowMs = parseGoDuration(m.window);
    const containers = m.containers ?? [];
    if (container) {
      const c = containers.find((x) => x.name === container);
      const v = c?.usage?.[resource] === undefined ? undefined : milli(c.usage[resource]);
      if (v !== undefined) out.set(name, { value: v, timestampMs, windowMs });
      continue;
    }
    if (containers.length === 0) continue;
    let sum = 0;
    let missing = false;
    for (const c of containers) {
      const v = c.usage?.[resource] === undefined ? undefined : milli(c.usage[resource]);
      if (v === undefined) {
        missing = true;
        break;
      }
      sum += v;
    }
    if (!missing) out.set(name, { value: sum, timestampMs, windowMs });
  }
  return out;
}
