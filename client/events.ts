// Records core/v1 Events about objects, like client-go's EventRecorder: repeats of
// the same event within a short window bump `count` instead of creating new ones.
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../api/meta.js';
import { findResource } from '../api/resources.js';
import { errorFields, silentLogger, type Logger } from './logger.js';
import type { RestClient } from './rest.js';

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
}

const eventsInfo = findResource('', 'v1', 'events')!;
const DEDUPE_MS = 10 * 60_000;

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class EventRecorder {
  private readonly recent = new Map<string, Recorded>();
  private readonly log: Logger;

  constructor(private readonly client: RestClient, private readonly source: EventSource, logger?: Logger) {
    this.log = logger ?? silentLogger;
  }

  /** Fire-and-forget: an event that cannot be written is logged, never thrown. */
  event(target: EventTarget, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    void this.record(target, type, reason, message, fieldPath).catch((err) => {
      this.log.debug({ ...errorFields(err), reason }, 'could not record event');
    });
  }

  async record(target: EventTarget, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): Promise<void> {
    const namespace = target.metadata.namespace || 'default';
    const involvedObject: Record<string, string | undefined> = {
      kind: target.kind, namespace: target.metadata.namespace, name: target.metadata.name,
      uid: target.metadata.uid, apiVersion: target.apiVersion, resourceVersion: target.metadata.resourceVersion,
    };
    if (fieldPath) involvedObject.fieldPath = fieldPath;
    const key = [namespace, target.kind, target.metadata.name, target.metadata.uid, fieldPath ?? '', type, reason, message].join('\u0000');
    const ts = now();
    const prev = this.recent.get(key);
    if (prev && Date.now() - prev.lastSeen < DEDUPE_MS) {
      prev.count++;
      prev.lastSeen = Date.now();
      try {
        await this.client.patch(eventsInfo, prev.namespace, prev.name, { count: prev.count, lastTimestamp: ts }, 'merge');
        return;
      } catch {
        this.recent.delete(key); // gone (e.g. namespace cleanup): create a fresh one
      }
    }
    this.prune();
    const name = `${target.metadata.name ?? 'unknown'}.${randomBytes(8).toString('hex')}`;
    const ev: KubeObject = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace },
      involvedObject, reason, message, type,
      source: this.source,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? '',
      firstTimestamp: ts, lastTimestamp: ts, count: 1,
    };
    await this.client.create(eventsInfo, namespace, ev);
    this.recent.set(key, { name, namespace, count: 1, firstTimestamp: ts, lastSeen: Date.now() });
  }

  private prune(): void {
    if (this.recent.size < 4096) return;
    const cutoff = Date.now() - DEDUPE_MS;
    for (const [k, v] of this.recent) if (v.lastSeen < cutoff) this.recent.delete(k);
  }
}
