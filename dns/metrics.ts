// Prometheus metrics and /healthz for the DNS server, on --health-bind-address.
import type http from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { serveMetricsAndHealth, type HealthCheck } from '../client/health-server.js';
import type { QueryOutcome } from './handler.js';

export class DnsMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'kubelite_dns_requests_total', help: 'Queries answered, by transport, question type, response code and where the answer came from (cluster, forward, error).',
    labelNames: ['proto', 'type', 'rcode', 'source'] as const, registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'kubelite_dns_request_duration_seconds', help: 'Time to answer a query, by where the answer came from.',
    labelNames: ['source'] as const, registers: [this.registry],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  observe(o: QueryOutcome): void {
    // Unknown types would make label values unbounded; group them.
    const type = /^[A-Z0-9]{1,10}$/.test(o.qtype) && !o.qtype.startsWith('UNKNOWN') ? o.qtype : 'other';
    this.requests.inc({ proto: o.proto, type, rcode: o.rcode, source: o.source });
    this.duration.observe({ source: o.source }, o.seconds);
  }
}

/** Serves /metrics, /healthz and /readyz (200 once the caches are synced), /livez. */
export async function serveHealth(bind: { host: string; port: number }, metrics: DnsMetrics, healthy: HealthCheck): Promise<http.Server> {
  // Liveness only asks whether the process serves HTTP; health and readiness need synced caches.
  return serveMetricsAndHealth(bind.host, bind.port, metrics.registry, {
    '/healthz': healthy, '/readyz': healthy, '/livez': () => ({ ok: true, detail: 'alive' }),
  });
}
