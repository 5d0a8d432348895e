// Records core/v1 Events about objects, like client-go's EventRecorder: repeats of
// the same event within a short window bump `count` instead of creating new ones, and
// the EventCorrelator combines similar events and drops event storms.
import type { KubeObject } from '../api/meta.js';
import { findResource } from '../api/resources.js';
import { nowTime } from '../api/time.js';
import { errorFields, silentLogger, type Logger } from './logger.js';
import type { RestClient } from './rest.js';
import { EventCorrelator, Lru, type CorrelatorOptions } from './event-correlator.js';

export interface EventSource {
  component: string;
  host?: string;
}

export interface EventTarget {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

interface Recorded {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  lastSeen: number;
  /** the create (or last count bump) in flight: the next bump waits for it */
  written: Promise<boolean>;
}

const eventsInfo = findResource('', 'v1', 'events')!;
const DEDUPE_MS = 10 * 60_000;
/** client-go's eventLogger cache size (maxLruCacheEntries) */
const RECENT_EVENTS = 4096;
/**
 * client-go's maxQueuedEvents: once this many events wait to be written, new ones are
 * dropped, so a burst (a scheduler binding 10,000 pods) costs bounded memory and does
 * not keep the apiserver busy long after the work it reports.
 */
export const MAX_QUEUED_EVENTS = 1000;

let lastStamp = 0n;

/**
 * client-go names an event `<object>.<UnixNano in hex>`. Nanoseconds here are the wall
 * clock in ms plus the sub-millisecond part of the monotonic clock, never repeating
 * within the process; cheaper than asking the CSPRNG for a suffix per event.
 */
export function eventName(objectName: string): string {
  let stamp = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  if (stamp <= lastStamp) stamp = lastStamp + 1n;
  lastStamp = stamp;
  return `${objectName}.${stamp.toString(16)}`;
}

export class EventRecorder {
  // an LRU, so each event costs O(1): a scheduler records one distinct event per pod
  private readonly recent = new Lru<Recorded>(RECENT_EVENTS);
  private readonly log: Logger;
  private readonly correlator: EventCorrelator;
  private queued = 0;
  private droppedCount = 0;

  constructor(private readonly client: RestClient, private readonly source: EventSource, logger?: Logger, correlation?: CorrelatorOptions) {
    this.log = logger ?? silentLogger;
    this.correlator = new EventCorrelator(correlation);
  }

  /** Fire-and-forget: an event that cannot be written is logged, never thrown. */
  event(target: EventTarget, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    void this.record(target, type, reason, message, fieldPath).catch((err) => {
      this.log.debug({ ...errorFields(err), reason }, 'could not record event');
    });
  }

  /** events dropped because MAX_QUEUED_EVENTS were still waiting to be written */
  get dropped(): number {
    return this.droppedCount;
  }

  async record(target: EventTarget, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): Promise<void> {
    if (this.queued >= MAX_QUEUED_EVENTS) {
      if (this.droppedCount++ % MAX_QUEUED_EVENTS === 0) {
        this.log.warn({ reason, dropped: this.droppedCount }, `${MAX_QUEUED_EVENTS} events are waiting to be written; dropping new ones`);
      }
      return;
    }
    this.queued++;
    try {
      await this.write(target, type, reason, message, fieldPath);
    } finally {
      this.queued--;
    }
  }

  private async write(target: EventTarget, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): Promise<void> {
    const namespace = target.metadata.namespace || 'default';
    const involvedObject: Record<string, string | undefined> = {
      kind: target.kind, namespace: target.metadata.namespace, name: target.metadata.name,
      uid: target.metadata.uid, apiVersion: target.apiVersion, resourceVersion: target.metadata.resourceVersion,
    };
    if (fieldPath) involvedObject.fieldPath = fieldPath;
    const correlated = this.correlator.correlate({ source: this.source, involvedObject, type, reason, message }, Date.now());
    const key = correlated.key;
    message = correlated.message;
    const ts = nowTime();
    const prev = this.recent.get(key);
    if (prev && Date.now() - prev.lastSeen < DEDUPE_MS) {
      // like client-go, a dropped repeat still counts: the next one written carries it
      prev.count++;
      prev.lastSeen = Date.now();
      if (!correlated.send) return;
      const count = prev.count;
      const bump = prev.written.then(async (created) => {
        if (!created) return false;
        await this.client.patch(eventsInfo, prev.namespace, prev.name, { count, lastTimestamp: ts, message }, 'merge');
        return true;
      });
      prev.written = bump.catch(() => false);
      if (await bump.catch(() => false)) return;
      if (this.recent.get(key) === prev) this.recent.delete(key); // gone (e.g. namespace cleanup): create a fresh one
    }
    if (!correlated.send) return;
    const name = eventName(target.metadata.name ?? 'unknown');
    const ev: KubeObject = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace },
      involvedObject, reason, message, type,
      source: this.source,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? '',
      firstTimestamp: ts, lastTimestamp: ts, count: 1,
    };
    const create = this.client.create(eventsInfo, namespace, ev);
    const entry: Recorded = { name, namespace, count: 1, firstTimestamp: ts, lastSeen: Date.now(), written: create.then(() => true, () => false) };
    this.recent.set(key, entry);
    try {
      await create;
    } catch (e) {
      if (this.recent.get(key) === entry) this.recent.delete(key);
      throw e;
    }
  }
}
