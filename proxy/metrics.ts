// Prometheus metrics and /healthz for the proxy, on --metrics-bind-address.
import type http from 'node:http';
import { serveMetricsAndHealth, type HealthCheck } from '../client/health-server.js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ProxyMetrics {
  readonly registry = new Registry();
  readonly syncDuration = new Histogram({
    name: 'kubeproxy_sync_proxy_rules_duration_seconds', help: 'Time to render and apply the rules, by kind of sync.',
    labelNames: ['mode', 'kind'] as const, registers: [this.registry],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  });
  readonly lastSync = new Gauge({
    name: 'kubeproxy_sync_proxy_rules_last_timestamp_seconds', help: 'When the last successful sync finished (unix seconds).',
    registers: [this.registry],
  });
  readonly syncErrors = new Counter({
    name: 'kubeproxy_sync_proxy_rules_errors_total', help: 'Failed syncs.', registers: [this.registry],
  });
  readonly rules = new Gauge({ name: 'kubeproxy_sync_proxy_rules_rules', help: 'Service rules installed.', registers: [this.registry] });
  readonly chains = new Gauge({ name: 'kubeproxy_sync_proxy_rules_chains', help: 'Per-service chains installed.', registers: [this.registry] });
  readonly servicePorts = new Gauge({ name: 'kubeproxy_service_ports', help: 'Service ports programmed.', registers: [this.registry] });
  readonly endpoints = new Gauge({ name: 'kubeproxy_endpoints', help: 'Ready endpoints programmed (summed over service ports).', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

/** Serves /metrics and /healthz (200 while syncs keep up, 503 otherwise). */
export async function serveMetrics(bind: string, metrics: ProxyMetrics, healthy: HealthCheck): Promise<http.Server> {
  const idx = bind.lastIndexOf(':');
  if (idx < 0) throw new Error(`--metrics-bind-address "${bind}" must be host:port`);
  return serveMetricsAndHealth(bind.slice(0, idx), Number(bind.slice(idx + 1)), metrics.registry, { '/healthz': healthy, '/livez': healthy });
}
