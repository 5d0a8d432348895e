// metrics.k8s.io/v1beta1 objects from kubelet stats, shaped like metrics-server's.
import { Quantity } from '../../api/quantity.js';
import type { NodeStats, PodStats } from '../../api/kubelet-proto.js';
import { formatTime } from '../../api/time.js';

export const METRICS_API_VERSION = 'metrics.k8s.io/v1beta1';

export interface Usage {
  cpu: string;
  memory: string;
}

export interface PodMetrics {
  kind: 'PodMetrics';
  apiVersion: typeof METRICS_API_VERSION;
  metadata: { name: string; namespace: string; creationTimestamp: string; labels?: Record<string, string> };
  timestamp: string;
  window: string;
  containers: Array<{ name: string; usage: Usage }>;
}

export interface NodeMetrics {
  kind: 'NodeMetrics';
  apiVersion: typeof METRICS_API_VERSION;
  metadata: { name: string; creationTimestamp: string; labels?: Record<string, string> };
  timestamp: string;
  window: string;
  usage: Usage;
}

export interface MetricsList<T> {
  kind: 'PodMetricsList' | 'NodeMetricsList';
  apiVersion: typeof METRICS_API_VERSION;
  metadata: Record<string, never>;
  items: T[];
}

/** nanocores as a canonical quantity: 5000000 → `5m`, 5123456 → `5123456n`. */
export function cpuQuantity(nanoCores: number): string {
  return Quantity.parse(`${Math.max(0, Math.round(nanoCores))}n`).toString();
}

/** bytes as a canonical binary quantity: 1263616 → `1234Ki`. */
export function memoryQuantity(bytes: number): string {
  return Quantity.fromValue(Math.max(0, Math.round(bytes)), 'BinarySI').toString();
}

/** Go's time.Duration String for the sample window, at millisecond precision: `1.004s`, `10s`. */
export function goDuration(seconds: number): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const rest = Math.round((s - m * 60) * 1000) / 1000;
  return m < 60 ? `${m}m${rest}s` : `${Math.floor(m / 60)}h${m % 60}m${rest}s`;
}

export function renderPodMetrics(stats: PodStats, labels: Record<string, string> | undefined, nowMs: number): PodMetrics {
  const m: PodMetrics = {
    kind: 'PodMetrics',
    apiVersion: METRICS_API_VERSION,
    metadata: { name: stats.name, namespace: stats.namespace, creationTimestamp: formatTime(nowMs) },
    timestamp: formatTime(stats.timestampMs || nowMs),
    window: goDuration(stats.windowSeconds),
    containers: stats.containers.map((c) => ({
      name: c.name,
      usage: { cpu: cpuQuantity(c.usage.cpuNanoCores), memory: memoryQuantity(c.usage.memoryWorkingSetBytes) },
    })),
  };
  if (labels && Object.keys(labels).length) m.metadata.labels = labels;
  return m;
}

export function renderNodeMetrics(stats: NodeStats, labels: Record<string, string> | undefined, nowMs: number): NodeMetrics {
  const m: NodeMetrics = {
    kind: 'NodeMetrics',
    apiVersion: METRICS_API_VERSION,
    metadata: { name: stats.name, creationTimestamp: formatTime(nowMs) },
    timestamp: formatTime(stats.timestampMs || nowMs),
    window: goDuration(stats.windowSeconds),
    usage: { cpu: cpuQuantity(stats.usage.cpuNanoCores), memory: memoryQuantity(stats.usage.memoryWorkingSetBytes) },
  };
  if (labels && Object.keys(labels).length) m.metadata.labels = labels;
  return m;
}

export function metricsList<T>(kind: 'PodMetricsList' | 'NodeMetricsList', items: T[]): MetricsList<T> {
  return { kind, apiVersion: METRICS_API_VERSION, metadata: {}, items };
}
