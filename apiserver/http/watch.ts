// Watch fan-out: every committed event is filtered per watcher (namespace, label
// and field selectors, with ADDED/DELETED synthesized when an object moves in or
// out of a selector) and written as one newline-delimited JSON line. Watchers pinned
// to one node (kubelets) or one name are indexed, so an event is only matched against
// the watchers it can concern.
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../../api/meta.js';
import type { ResourceInfo } from '../../api/resources.js';
import { apiVersionOf, withoutManagedFields } from '../../api/meta.js';
import { statusOf } from '../../api/errors.js';
import type { ObjectStore } from '../storage/store.js';
import { resourcePrefix } from '../storage/store.js';
import type { StorageEvent } from '../storage/types.js';
import { TooOldResourceVersionError } from '../storage/types.js';
import { convertObject } from '../../api/conversion.js';
import { jsonText, jsonTextWithoutManagedFields } from '../storage/json-text.js';
import { fieldsOf } from '../../api/fields.js';
import { indexFieldOf, pinnedValue, WatcherIndex } from './watch-index.js';

export interface WatchRequest {
  info: ResourceInfo;
  namespace?: string;
  filter: (o: KubeObject) => boolean;
  resourceVersion?: string;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  /** renders an object for the wire (Table rows or the object itself) */
  render: (obj: KubeObject) => unknown;
  /** render is the identity: the event's JSON line can be shared with every such watcher */
  plain?: boolean;
  sendInitialEvents?: boolean;
  /** the raw field selector (already part of `filter`): watches pinned to one node or name are indexed by it */
  fieldSelector?: string;
  /** objects go out without metadata.managedFields (`omitManagedFields=true`, for informers that drop them) */
  omitManagedFields?: boolean;
}

interface Watcher {
  prefix: string;
  nsPrefix?: string;
  /** the value of the resource's index field this watcher's selector requires, if any */
  pin?: string;
  req: WatchRequest;
  res: ServerResponse;
  close: () => void;
}

const MAX_BUFFERED = 32 * 1024 * 1024;
const DEFAULT_TIMEOUT_S = 1800;

export class WatchHub {
  private readonly watchers = new Map<string, { kind: string; field: string; index: WatcherIndex<Watcher> }>();
  private bookmarkTimer: NodeJS.Timeout;

  constructor(
    private readonly store: ObjectStore,
    private readonly onCount: (resource: string, delta: number) => void = () => {},
    private readonly onEventsSent: (resource: string, n: number) => void = () => {},
    bookmarkIntervalMs = 15_000,
  ) {
    store.onCommit((events) => this.dispatch(events));
    this.bookmarkTimer = setInterval(() => this.sendBookmarks(), bookmarkIntervalMs);
    this.bookmarkTimer.unref();
  }

  count(): number {
    let n = 0;
    for (const s of this.watchers.values()) n += s.index.size;
    return n;
  }

  closeAll(): void {
    clearInterval(this.bookmarkTimer);
    for (const set of this.watchers.values()) for (const w of [...set.index.all()]) w.close();
  }

  /** Starts a watch on an already-hijacked response. */
  serve(req: WatchRequest, res: ServerResponse): void {
    const prefix = resourcePrefix(req.info.group, req.info.resource);
    const nsPrefix = req.info.namespaced && req.namespace ? `${prefix}${req.namespace}/` : undefined;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    // clients (kubectl rollout status) wait for the headers before anything else
    res.flushHeaders();
    // replay and subscription happen in the same tick, so no commit falls between them
    let replay: Array<{ type: string; object: KubeObject }> = [];
    const rv = req.resourceVersion;
    if (!rv || rv === '0' || req.sendInitialEvents) {
      const list = this.store.list(nsPrefix ?? prefix);
      replay = list.filter(req.filter).map((o) => ({ type: 'ADDED', object: o }));
    } else {
      const from = Number(rv);
      if (!Number.isInteger(from) || from < 0) {
        this.writeLine(res, { type: 'ERROR', object: statusOf(400, 'BadRequest', `invalid resource version: ${rv}`) });
        res.end();
        return;
      }
      try {
        for (const ev of this.store.eventsSince(prefix, from)) {
          if (nsPrefix && !ev.key.startsWith(nsPrefix)) continue;
          const out = translate(ev, req.filter);
          if (out) replay.push(out);
        }
      } catch (e) {
        if (e instanceof TooOldResourceVersionError) {
          this.writeLine(res, { type: 'ERROR', object: statusOf(410, 'Expired', `too old resource version: ${from} (${e.oldest})`) });
          res.end();
          return;
        }
        throw e;
      }
    }
    let closed = false;
    const timer = setTimeout(() => close(), (req.timeoutSeconds ?? DEFAULT_TIMEOUT_S) * 1000);
    const close = () => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      this.watchers.get(prefix)?.index.delete(w, w.pin);
      this.onCount(req.info.resource, -1);
      if (!res.writableEnded) res.end();
    };
    let set = this.watchers.get(prefix);
    if (!set) {
      const field = indexFieldOf(req.info.kind);
      this.watchers.set(prefix, (set = { kind: req.info.kind, field, index: new WatcherIndex() }));
    }
    const w: Watcher = { prefix, nsPrefix, pin: pinnedValue(req.fieldSelector, set.field), req, res, close };
    set.index.add(w, w.pin);
    this.onCount(req.info.resource, 1);
    res.on('close', close);
    res.on('error', close);
    for (const ev of replay) this.send(w, ev.type, ev.object);
    if (req.sendInitialEvents && req.allowBookmarks) this.sendBookmark(w, true);
  }

  private dispatch(events: StorageEvent[]): void {
    // one serialization per event and type for all plain-JSON watchers, not one per watcher
    this.lineCache = new Map();
    // a batch's events go out as one socket write (and TLS record) per watcher, not one per event
    const corked = new Set<ServerResponse>();
    this.corked = corked;
    try {
      this.dispatchEvents(events);
    } finally {
      this.corked = undefined;
      for (const res of corked) res.uncork();
    }
  }

  private corked: Set<ServerResponse> | undefined;

  private dispatchEvents(events: StorageEvent[]): void {
    for (const ev of events) {
      const prefix = ev.key.slice(0, ev.key.indexOf('/', ev.key.indexOf('/', 10) + 1) + 1);
      const set = this.watchers.get(prefix);
      if (!set || set.index.size === 0) continue;
      // only watchers pinned to the object's old or new field value (and unpinned ones) can match
      const valueOf = (o: KubeObject | undefined): string | undefined =>
        (o && set.index.hasPinned ? fieldsOf(set.kind, o)[set.field] ?? '' : undefined);
      let sent = 0;
      let first: Watcher | undefined;
      for (const w of set.index.candidates(valueOf(ev.prevObject), valueOf(ev.object))) {
        first ??= w;
        if (w.nsPrefix && !ev.key.startsWith(w.nsPrefix)) continue;
        const out = translate(ev, w.req.filter);
        if (!out) continue;
        this.send(w, out.type, out.object);
        sent++;
      }
      if (sent && first) this.onEventsSent(first.req.info.resource, sent);
    }
  }

  private lineCache = new Map<KubeObject, Map<string, string>>();

  private send(w: Watcher, type: string, object: KubeObject): void {
    if (w.res.writableEnded) return;
    if (this.corked && !this.corked.has(w.res)) {
      this.corked.add(w.res);
      w.res.cork();
    }
    const info = w.req.info;
    const wanted = apiVersionOf(info.group, info.version);
    const lean = w.req.omitManagedFields === true;
    if (w.req.plain && object.apiVersion === wanted) {
      let byType = this.lineCache.get(object);
      if (!byType) this.lineCache.set(object, (byType = new Map()));
      const variant = lean ? `${type} lean` : type;
      let line = byType.get(variant);
      // the same text as JSON.stringify({ type, object }), reusing the object's stored JSON
      if (line === undefined) {
        const text = lean ? jsonTextWithoutManagedFields(object) : jsonText(object);
        byType.set(variant, (line = `{"type":${JSON.stringify(type)},"object":${text}}\n`));
      }
      w.res.write(line);
    } else {
      const obj = object.apiVersion && object.apiVersion !== wanted ? convertObject(object, wanted) : object;
      this.writeLine(w.res, { type, object: w.req.render(lean ? withoutManagedFields(obj) : obj) });
    }
    if (w.res.writableLength > MAX_BUFFERED) w.close(); // a watcher that cannot keep up must relist
  }

  private writeLine(res: ServerResponse, ev: unknown): void {
    res.write(JSON.stringify(ev) + '\n');
  }

  private sendBookmarks(): void {
    for (const set of this.watchers.values()) for (const w of set.index.all()) if (w.req.allowBookmarks) this.sendBookmark(w, false);
  }

  private sendBookmark(w: Watcher, initialEventsEnd: boolean): void {
    const info = w.req.info;
    const metadata: Record<string, unknown> = { resourceVersion: String(this.store.currentRevision()) };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    this.writeLine(w.res, { type: 'BOOKMARK', object: { kind: info.kind, apiVersion: apiVersionOf(info.group, info.version), metadata } });
  }
}

function translate(ev: StorageEvent, filter: (o: KubeObject) => boolean): { type: string; object: KubeObject } | undefined {
  switch (ev.type) {
    case 'ADDED':
      return filter(ev.object) ? { type: 'ADDED', object: ev.object } : undefined;
    case 'DELETED':
      return ev.prevObject && filter(ev.prevObject) ? { type: 'DELETED', object: ev.object } : undefined;
    case 'MODIFIED': {
      const was = ev.prevObject ? filter(ev.prevObject) : false;
      const is = filter(ev.object);
      if (was && is) return { type: 'MODIFIED', object: ev.object };
      if (!was && is) return { type: 'ADDED', object: ev.object };
      if (was && !is) return { type: 'DELETED', object: ev.object };
      return undefined;
    }
  }
}
