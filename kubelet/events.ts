// core/v1 Events about pods and the node, written in the background so recording
// one never slows a sync. A repeat of the same event bumps the count of the
// existing object instead of creating another, as Kubernetes' recorder does.
import type { Logger } from 'pino';
import type { Event, ObjectReference } from '../api/types/index.js';
import { findResource } from '../api/resources.js';
import { isNotFound } from '../api/errors.js';
import type { RestClient } from '../client/index.js';
import { nowTime } from '../api/time.js';

const events = findResource('', 'v1', 'events')!;
const MAX_CACHED = 4096;
const MAX_QUEUED = 1000;
const CONCURRENCY = 4;

export type EventType = 'Normal' | 'Warning';

export interface EventTarget {
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  apiVersion?: string;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  first: string;
}

export class EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private readonly queue: Array<() => Promise<void>> = [];
  private active = 0;

  constructor(
    private readonly client: RestClient,
    private readonly nodeName: string,
    private readonly log: Logger,
  ) {}

  /** Records an event about `target` (fieldPath e.g. `spec.containers{app}`). Never throws. */
  record(target: EventTarget, type: EventType, reason: string, message: string, fieldPath?: string): void {
    if (this.queue.length >= MAX_QUEUED) return;
    const namespace = target.namespace || 'default';
    const key = [target.kind, namespace, target.name, target.uid ?? '', fieldPath ?? '', type, reason, message].join('\u0000');
    this.queue.push(() => this.write(key, target, namespace, type, reason, message, fieldPath));
    this.pump();
  }

  private pump(): void {
    while (this.active < CONCURRENCY && this.queue.length) {
      const job = this.queue.shift()!;
      this.active++;
      job()
        .catch((e: unknown) => this.log.debug({ err: (e as Error).message }, 'event not recorded'))
        .finally(() => {
          this.active--;
          this.pump();
        });
    }
  }

  private async write(key: string, target: EventTarget, namespace: string, type: EventType, reason: string, message: string, fieldPath?: string): Promise<void> {
    const now = nowTime();
    const prev = this.seen.get(key);
    if (prev) {
      prev.count++;
      this.touch(key, prev);
      try {
        await this.client.patch(events, prev.namespace, prev.name, { count: prev.count, lastTimestamp: now }, 'merge');
        return;
      } catch (e) {
        if (!isNotFound(e)) throw e;
        // The event expired or was deleted: start a new one.
      }
    }
    const involved: ObjectReference = {
      kind: target.kind,
      namespace: target.namespace,
      name: target.name,
      uid: target.uid,
      apiVersion: target.apiVersion ?? 'v1',
    };
    if (fieldPath) involved.fieldPath = fieldPath;
    const name = `${target.name}.${(BigInt(Date.now()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`;
    const ev: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: involved,
      reason,
      message,
      type,
      source: { component: 'kubelet', host: this.nodeName },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      eventTime: null,
      reportingComponent: 'kubelet',
      reportingInstance: this.nodeName,
    };
    await this.client.create(events, namespace, ev);
    this.touch(key, { name, namespace, count: 1, first: now });
  }

  private touch(key: string, s: Seen): void {
    this.seen.delete(key);
    this.seen.set(key, s);
    if (this.seen.size > MAX_CACHED) this.seen.delete(this.seen.keys().next().value as string);
  }

  /** Resolves once everything queued so far is written (tests, shutdown). */
  async flush(timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.queue.length || this.active) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
}

export function containerFieldPath(name: string, isInit: boolean): string {
  return `spec.${isInit ? 'initContainers' : 'containers'}{${name}}`;
}
