// Watch fan-out: every committed event is filtered per watcher (namespace, label
// and field selectors, with ADDED/DELETED synthesized when an object moves in or
// out of a selector) and written as one newline-delimited JSON line.
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../../api/meta.js';
import type { ResourceInfo } from '../../api/resources.js';
import { apiVersionOf } from '../../api/meta.js';
import { statusOf } from '../../api/errors.js';
import type { ObjectStore } from '../storage/store.js';
import { resourcePrefix } from '../storage/store.js';
import type { StorageEvent } from '../storage/types.js';
import { TooOldResourceVersionError } from '../storage/types.js';
import { convertObject } from '../../api/conversion.js';

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
}

interface Watcher {
  prefix: string;
  nsPrefix?: string;
  req: WatchRequest;
  res: ServerResponse;
  close: () => void;
}

const MAX_BUFFERED = 32 * 1024 * 1024;
const DEFAULT_TIMEOUT_S = 1800;

export class WatchHub {
  private readonly watchers = new Map<string, Set<Watcher>>();
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
    for (const s of this.watchers.values()) n += s.size;
    return n;
  }

  closeAll(): void {
    clearInterval(this.bookmarkTimer);
    for (const set of this.watchers.values()) for (const w of [...set]) w.close();
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
      const set = this.watchers.get(prefix);
      set?.delete(w);
      this.onCount(req.info.resource, -1);
      if (!res.writableEnded) res.end();
    };
    const w: Watcher = { prefix, nsPrefix, req, res, close };
    let set = this.watchers.get(prefix);
    if (!set) this.watchers.set(prefix, (set = new Set()));
    set.add(w);
    this.onCount(req.info.resource, 1);
    res.on('close', close);
    res.on('error', close);
    for (const ev of replay) this.send(w, ev.type, ev.object);
    if (req.sendInitialEvents && req.allowBookmarks) this.sendBookmark(w, true);
  }

  private dispatch(events: StorageEvent[]): void {
    // one serialization per event and type for all plain-JSON watchers, not one per watcher
    this.lineCache = new Map();
    for (const ev of events) {
      const prefix = ev.key.slice(0, ev.key.indexOf('/', ev.key.indexOf('/', 10) + 1) + 1);
      const set = this.watchers.get(prefix);
      if (!set || set.size === 0) continue;
      let sent = 0;
      for (const w of set) {
        if (w.nsPrefix && !ev.key.startsWith(w.nsPrefix)) continue;
        const out = translate(ev, w.req.filter);
        if (!out) continue;
        this.send(w, out.type, out.object);
        sent++;
      }
      if (sent) this.onEventsSent(set.values().next().value!.req.info.resource, sent);
    }
  }

  private lineCache = new Map<KubeObject, Map<string, string>>();

  private send(w: Watcher, type: string, object: KubeObject): void {
    if (w.res.writableEnded) return;
    const info = w.req.info;
    const wanted = apiVersionOf(info.group, info.version);
    if (w.req.plain && object.apiVersion === wanted) {
      let byType = this.lineCache.get(object);
      if (!byType) this.lineCache.set(object, (byType = new Map()));
      let line = byType.get(type);
      if (line === undefined) byType.set(type, (line = JSON.stringify({ type, object }) + '\n'));
      w.res.write(line);
    } else {
      const obj = object.apiVersion && object.apiVersion !== wanted ? convertObject(object, wanted) : object;
      this.writeLine(w.res, { type, object: w.req.render(obj) });
    }
    if (w.res.writableLength > MAX_BUFFERED) w.close(); // a watcher that cannot keep up must relist
  }

  private writeLine(res: ServerResponse, ev: unknown): void {
    res.write(JSON.stringify(ev) + '\n');
  }

  private sendBookmarks(): void {
    for (const set of this.watchers.values()) for (const w of set) if (w.req.allowBookmarks) this.sendBookmark(w, false);
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
