// Prometheus metrics of the apiserver (/metrics).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ApiserverMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'apiserver_request_total', help: 'Requests by verb, resource and HTTP code.',
    labelNames: ['verb', 'resource', 'code'] as const, registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'apiserver_request_duration_seconds', help: 'Request latency by verb and resource (watches excluded).',
    labelNames: ['verb', 'resource'] as const, registers: [this.registry],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  readonly watchers = new Gauge({
    name: 'apiserver_registered_watchers', help: 'Open watches by resource.',
    labelNames: ['resource'] as const, registers: [this.registry],
  });
  readonly watchEvents = new Counter({
    name: 'apiserver_watch_events_total', help: 'Watch events sent by resource.',
    labelNames: ['resource'] as const, registers: [this.registry],
  });
  readonly storageBatch = new Histogram({
    name: 'apiserver_storage_batch_duration_seconds', help: 'Time to write one synced LevelDB batch.',
    registers: [this.registry], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  });
  readonly storageBatchSize = new Histogram({
    name: 'apiserver_storage_batch_writes', help: 'Writes group-committed per synced batch.',
    registers: [this.registry], buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
  });
  private countObjects: () => Array<[string, number]> = () => [];
  readonly objects = new Gauge({
    name: 'apiserver_storage_objects', help: 'Stored objects by resource.',
    labelNames: ['resource'] as const, registers: [this.registry],
    collect: () => {
      for (const [resource, n] of this.countObjects()) this.objects.set({ resource }, n);
    },
  });

  /** how /metrics learns the stored object counts */
  setObjectCounter(fn: () => Array<[string, number]>): void {
    this.countObjects = fn;
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
