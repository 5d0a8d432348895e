// LevelDB-backed object store with an in-memory copy of every committed object.
//
// Writes are decided synchronously against the latest state (committed + queued),
// queued, and made durable by one synced LevelDB batch per flush (group commit):
// every write queued while a flush is in progress goes into the next batch. A write
// is acknowledged, and becomes visible to readers and watchers, only once its batch
// is on disk, so what a client saw acknowledged survives kill -9.
import { Level } from 'level';
import type { KubeObject } from '../../api/meta.js';
import type { StorageEvent, UpdateFn, WriteResult } from './types.js';
import { TooOldResourceVersionError } from './types.js';
import { EventWindow } from './event-window.js';
import { objectTexts, rememberBatchJson, type ObjectTexts } from './json-text.js';

const REVISION_KEY = '\u0000meta/revision';

interface PendingWrite {
  key: string;
  value: KubeObject | null;
  revision: number;
  prev: KubeObject | undefined;
  resolve: (r: WriteResult) => void;
  reject: (e: Error) => void;
}

export interface StoreStats {
  batches: number;
  writes: number;
  lastBatchMs: number;
}

export type CommitListener = (events: StorageEvent[]) => void;

/** Storage prefix of a resource: `/registry/<group>/<resource>/` (core group: `core`). */
export function resourcePrefix(group: string, resource: string): string {
  return `/registry/${group || 'core'}/${resource}/`;
}

export function objectStorageKey(group: string, resource: string, namespace: string | undefined, name: string): string {
  return namespace ? `${resourcePrefix(group, resource)}${namespace}/${name}` : `${resourcePrefix(group, resource)}${name}`;
}

function prefixOfKey(key: string): string {
  // /registry/<group>/<resource>/...
  let slashes = 0;
  for (let i = 0; i < key.length; i++) {
    if (key.charCodeAt(i) === 47 && ++slashes === 4) return key.slice(0, i + 1);
  }
  return key;
}

export class ObjectStore {
  private readonly db: Level<string, string>;
  /** committed objects, per resource prefix */
  private readonly committed = new Map<string, Map<string, KubeObject>>();
  private readonly sortedKeys = new Map<string, string[] | null>();
  /** latest value of keys with queued writes (null = deleted) */
  private readonly latest = new Map<string, KubeObject | null>();
  private queue: PendingWrite[] = [];
  private flushing = false;
  private revision = 0;
  private committedRevision = 0;
  /** every event after this revision has been seen by this process */
  private openRevision = 0;
  private readonly windows = new Map<string, EventWindow>();
  private readonly listeners = new Set<CommitListener>();
  private closed = false;
  readonly stats: StoreStats = { batches: 0, writes: 0, lastBatchMs: 0 };

  constructor(dir: string, private readonly windowSize = 50_000, private readonly onBatch?: (ms: number, n: number) => void) {
    this.db = new Level<string, string>(dir, { valueEncoding: 'utf8', keyEncoding: 'utf8' });
  }

  async open(): Promise<void> {
    await this.db.open();
    for await (const [key, value] of this.db.iterator()) {
      if (key === REVISION_KEY) {
        this.revision = Number(value);
        continue;
      }
      this.bucket(prefixOfKey(key)).set(key, JSON.parse(value) as KubeObject);
    }
    this.committedRevision = this.revision;
    this.openRevision = this.revision;
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing || this.queue.length) await new Promise((r) => setTimeout(r, 5));
    await this.db.close();
  }

  /** revision of the last durable write */
  currentRevision(): number {
    return this.committedRevision;
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(key: string): KubeObject | undefined {
    return this.committed.get(prefixOfKey(key))?.get(key);
  }

  /** the value a new write would see: committed plus queued writes */
  latestValue(key: string): KubeObject | undefined {
    if (this.latest.has(key)) return this.latest.get(key) ?? undefined;
    return this.get(key);
  }

  /** committed objects under `prefix` (a resource prefix, optionally plus `<namespace>/`), in key order */
  list(prefix: string): KubeObject[] {
    const resPrefix = prefixOfKey(prefix);
    const bucket = this.committed.get(resPrefix);
    if (!bucket) return [];
    let keys = this.sortedKeys.get(resPrefix);
    if (!keys) {
      keys = [...bucket.keys()].sort();
      this.sortedKeys.set(resPrefix, keys);
    }
    const out: KubeObject[] = [];
    if (prefix === resPrefix) {
      for (const k of keys) out.push(bucket.get(k)!);
      return out;
    }
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < keys.length && keys[i].startsWith(prefix); i++) out.push(bucket.get(keys[i])!);
    return out;
  }

  count(resPrefix: string): number {
    return this.committed.get(resPrefix)?.size ?? 0;
  }

  /**
   * Atomically decides and queues a write to `key`; resolves once it is durable.
   * The update function sees the latest value, including writes not yet synced.
   */
  update(key: string, fn: UpdateFn): Promise<WriteResult> {
    if (this.closed) return Promise.reject(new Error('storage is closed'));
    const prev = this.latestValue(key);
    let next: KubeObject | null | undefined;
    try {
      next = fn(prev);
    } catch (e) {
      return Promise.reject(e);
    }
    if (next === undefined) {
      return Promise.resolve({ object: prev, revision: this.committedRevision, changed: false });
    }
    if (next === null && prev === undefined) {
      return Promise.resolve({ object: undefined, revision: this.committedRevision, changed: false });
    }
    const revision = ++this.revision;
    let value: KubeObject | null = null;
    if (next !== null) {
      value = { ...next, metadata: { ...next.metadata, resourceVersion: String(revision) } };
    }
    this.latest.set(key, value);
    return new Promise<WriteResult>((resolve, reject) => {
      this.queue.push({ key, value, revision, prev, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      const texts: Array<[object, ObjectTexts]> = [];
      const lastRevision = batch[batch.length - 1].revision;
      let started = 0;
      // A chained batch, not db.batch(array): abstract-level copies and re-validates every
      // operation of an array batch, which cost the main thread about twice as much per write.
      let ops: ReturnType<Level<string, string>['batch']> | undefined;
      try {
        ops = this.db.batch();
        for (const w of batch) {
          if (w.value) {
            const text = objectTexts(w.value);
            ops.put(w.key, text.full);
            texts.push([w.value, text]);
          } else ops.del(w.key);
        }
        ops.put(REVISION_KEY, String(lastRevision));
        started = performance.now();
        await ops.write({ sync: true });
      } catch (err) {
        // closing is a no-op after a failed write, and releases a batch a put refused
        await ops?.close().catch(() => undefined);
        this.failPending(batch, err as Error);
        continue;
      }
      const ms = performance.now() - started;
      this.stats.batches++;
      this.stats.writes += batch.length;
      this.stats.lastBatchMs = ms;
      this.onBatch?.(ms, batch.length);
      rememberBatchJson(texts);
      this.commit(batch, lastRevision);
    }
    this.flushing = false;
  }

  /** A failed batch fails every queued write too: they were decided on top of it. */
  private failPending(batch: PendingWrite[], err: Error): void {
    const rest = this.queue;
    this.queue = [];
    this.latest.clear();
    this.revision = this.committedRevision;
    for (const w of [...batch, ...rest]) w.reject(new Error(`storage write failed: ${err.message}`));
  }

  private commit(batch: PendingWrite[], lastRevision: number): void {
    const events: StorageEvent[] = [];
    for (const w of batch) {
      const resPrefix = prefixOfKey(w.key);
      const bucket = this.bucket(resPrefix);
      const had = bucket.has(w.key);
      let ev: StorageEvent;
      if (w.value) {
        bucket.set(w.key, w.value);
        if (!had) this.sortedKeys.set(resPrefix, null);
        ev = { type: w.prev ? 'MODIFIED' : 'ADDED', key: w.key, revision: w.revision, object: w.value, prevObject: w.prev };
      } else {
        bucket.delete(w.key);
        this.sortedKeys.set(resPrefix, null);
        const last = w.prev as KubeObject;
        ev = {
          type: 'DELETED', key: w.key, revision: w.revision,
          object: { ...last, metadata: { ...last.metadata, resourceVersion: String(w.revision) } }, prevObject: last,
        };
      }
      if (this.latest.get(w.key) === w.value) this.latest.delete(w.key);
      this.window(resPrefix).push(ev);
      events.push(ev);
    }
    this.committedRevision = lastRevision;
    for (const l of this.listeners) {
      try {
        l(events);
      } catch {
        // a broken listener must not stop acknowledgements
      }
    }
    for (let i = 0; i < batch.length; i++) {
      const w = batch[i];
      w.resolve({ object: events[i].object, revision: w.revision, changed: true });
    }
  }

  /**
   * Committed events for a resource after `fromRevision`, for a watch resuming there.
   * Throws TooOldResourceVersionError when the window no longer reaches back that far.
   */
  eventsSince(resPrefix: string, fromRevision: number): StorageEvent[] {
    return this.window(resPrefix).since(fromRevision);
  }

  private bucket(resPrefix: string): Map<string, KubeObject> {
    let b = this.committed.get(resPrefix);
    if (!b) {
      b = new Map();
      this.committed.set(resPrefix, b);
    }
    return b;
  }

  private window(resPrefix: string): EventWindow {
    let w = this.windows.get(resPrefix);
    if (!w) {
      // every event of this resource since the store opened went through commit(), so
      // a window created late (first event or first watch) still reaches back to then
      w = new EventWindow(this.windowSize, this.openRevision);
      this.windows.set(resPrefix, w);
    }
    return w;
  }
}

export { TooOldResourceVersionError };
