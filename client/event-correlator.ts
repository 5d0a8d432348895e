// client-go's EventCorrelator (tools/record/events_cache.go), minus the I/O: similar
// events about one object (same source, object, type and reason, different messages)
// are combined into one aggregate Event once there are 10 of them within 10 minutes,
// and a token bucket per source and object (burst 25, one more every 5 minutes) drops
// the rest of an event storm. A ReplicaSet creating 100 pods thus writes 25 events, not 100.

export interface CorrelatorEvent {
  source: { component: string; host?: string };
  involvedObject: { kind?: string; namespace?: string; name?: string; uid?: string; apiVersion?: string; fieldPath?: string };
  type: string;
  reason: string;
  message: string;
}

export interface CorrelatorOptions {
  /** distinct messages per aggregate key before they are combined (client-go: 10) */
  maxEvents?: number;
  /** an aggregate record older than this starts over (client-go: 600 s) */
  maxIntervalMs?: number;
  /** spam filter bucket size per source and object (client-go: 25) */
  spamBurst?: number;
  /** spam filter refill rate, tokens per second (client-go: 1/300) */
  spamQps?: number;
  /** records kept per cache before the least recently used is dropped (client-go: 4096) */
  cacheSize?: number;
}

export interface Correlated {
  /** false: the spam filter dropped the event; write nothing */
  send: boolean;
  /** the message to write: `(combined from similar events): …` once aggregated */
  message: string;
  /** the deduplication key: an event seen before under it is a count bump of that one */
  key: string;
  aggregated: boolean;
}

export const COMBINED_PREFIX = '(combined from similar events): ';

/** A Map that forgets its least recently used entry beyond `max`. */
export class Lru<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }
}

export class EventCorrelator {
  private readonly maxEvents: number;
  private readonly maxIntervalMs: number;
  private readonly spamBurst: number;
  private readonly spamQps: number;
  private readonly aggregates: Lru<{ localKeys: Set<string>; lastMs: number }>;
  private readonly buckets: Lru<{ tokens: number; lastMs: number }>;

  constructor(o: CorrelatorOptions = {}) {
    this.maxEvents = o.maxEvents ?? 10;
    this.maxIntervalMs = o.maxIntervalMs ?? 600_000;
    this.spamBurst = o.spamBurst ?? 25;
    this.spamQps = o.spamQps ?? 1 / 300;
    this.aggregates = new Lru(o.cacheSize ?? 4096);
    this.buckets = new Lru(o.cacheSize ?? 4096);
  }

  correlate(ev: CorrelatorEvent, nowMs: number): Correlated {
    const o = ev.involvedObject;
    const objectKey = [ev.source.component, ev.source.host ?? '', o.kind, o.namespace, o.name, o.uid, o.apiVersion].join('\u0000');
    const aggregateKey = [objectKey, ev.type, ev.reason].join('\u0000');
    const eventKey = [aggregateKey, o.fieldPath ?? '', ev.message].join('\u0000');

    let record = this.aggregates.get(aggregateKey);
    if (!record || nowMs - record.lastMs > this.maxIntervalMs) record = { localKeys: new Set(), lastMs: nowMs };
    record.lastMs = nowMs;
    record.localKeys.add(ev.message);
    this.aggregates.set(aggregateKey, record);
    let out: Correlated;
    if (record.localKeys.size < this.maxEvents) {
      out = { send: true, message: ev.message, key: eventKey, aggregated: false };
    } else {
      // keep the set from growing past the limit, as client-go does (PopAny)
      record.localKeys.delete(record.localKeys.values().next().value!);
      out = { send: true, message: COMBINED_PREFIX + ev.message, key: aggregateKey, aggregated: true };
    }
    out.send = this.take(objectKey + '\u0000' + ev.type, nowMs);
    return out;
  }

  private take(spamKey: string, nowMs: number): boolean {
    let b = this.buckets.get(spamKey);
    if (!b) b = { tokens: this.spamBurst, lastMs: nowMs };
    b.tokens = Math.min(this.spamBurst, b.tokens + ((nowMs - b.lastMs) / 1000) * this.spamQps);
    b.lastMs = nowMs;
    this.buckets.set(spamKey, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
