// List + watch + local cache, like client-go's reflector and shared informer:
// the cache converges on the server's state through dropped connections,
// expired watches and restarts, and handlers hear about every change.
import { objectKey, apiVersionOf, type KubeObject } from '../api/meta.js';
import { isApiError } from '../api/errors.js';
import type { ResourceInfo } from '../api/resources.js';
import { errorFields, silentLogger, type Logger } from './logger.js';
import { sleep } from './rate-limit.js';
import type { RestClient } from './rest.js';
import { Store } from './store.js';
import { watchStream } from './watch.js';

export interface InformerOptions {
  /** one namespace; all namespaces when unset */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** emit update(obj, obj) for every cached object this often; off when unset or 0 */
  resyncMs?: number;
  logger?: Logger;
  /** list page size */
  pageSize?: number;
  /**
   * applied to every object as it arrives, before it is cached or handed to handlers
   * (client-go's SetTransform); e.g. stripManagedFields
   */
  transform?: (obj: KubeObject) => KubeObject;
  /**
   * asks kubelite's apiserver to leave metadata.managedFields out of watch events (an
   * apiserver that does not know the parameter ignores it, so pair it with stripManagedFields)
   */
  omitManagedFields?: boolean;
  /** first retry delay after a failure; doubles per consecutive failure */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** server-side watch timeout; a random 5–10 min by default so informers don't reconnect in lockstep */
  watchTimeoutSeconds?: number;
  /** timeout of each list page request */
  listTimeoutMs?: number;
}

export interface InformerHandlers<T> {
  add: (obj: T) => void | Promise<void>;
  update: (oldObj: T, newObj: T) => void | Promise<void>;
  /** gets the object's final state as the server (or, after a relist, the cache) last knew it */
  delete: (obj: T) => void | Promise<void>;
}

type HandlerLists<T> = { [E in keyof InformerHandlers<T>]: InformerHandlers<T>[E][] };

/** A watch that ends this fast without events counts as a failure, so a bad server can't make us spin. */
const SHORT_WATCH_MS = 1000;

export class Informer<T extends KubeObject = KubeObject> {
  readonly store = new Store<T>();
  private readonly handlers: HandlerLists<T> = { add: [], update: [], delete: [] };
  private readonly log: Logger;
  private readonly opts: InformerOptions;
  private synced = false;
  private syncWaiters: Array<(ok: boolean) => void> = [];
  private stopper?: AbortController;
  private running?: Promise<void>;
  private lastRV?: string;

  constructor(
    private readonly client: RestClient,
    private readonly info: ResourceInfo,
    opts: InformerOptions = {},
  ) {
    this.opts = opts;
    this.log = opts.logger ?? silentLogger;
  }

  /** Handlers added after objects are cached get an `add` for each of them, as in client-go. */
  on<E extends keyof InformerHandlers<T>>(event: E, handler: InformerHandlers<T>[E]): this {
    (this.handlers[event] as InformerHandlers<T>[E][]).push(handler);
    if (event === 'add') {
      const add = handler as InformerHandlers<T>['add'];
      for (const obj of this.store.list()) this.call('add', add, [obj]);
    }
    return this;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** resourceVersion of the last list or event applied to the cache. */
  get lastSyncResourceVersion(): string | undefined {
    return this.lastRV;
  }

  /** Resolves true once the first list is cached, false if stopped or aborted first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = (): void => done(false);
      const done = (ok: boolean): void => {
        signal?.removeEventListener('abort', onAbort);
        this.syncWaiters = this.syncWaiters.filter((w) => w !== done);
        resolve(ok);
      };
      this.syncWaiters.push(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Starts listing and watching in the background. The promise resolves once the
   * informer has stopped (signal aborted or stop()); it never rejects.
   */
  start(signal?: AbortSignal): Promise<void> {
    if (this.running) return this.running;
    const stopper = new AbortController();
    this.stopper = stopper;
    const combined = signal ? AbortSignal.any([signal, stopper.signal]) : stopper.signal;
    this.running = this.run(combined).catch((e: unknown) => {
      this.log.error({ resource: this.info.resource, ...errorFields(e) }, 'informer stopped on unexpected error');
    });
    return this.running;
  }

  stop(): void {
    this.stopper?.abort();
  }

  // ---- reflector ----

  private async run(signal: AbortSignal): Promise<void> {
    const resync =
      this.opts.resyncMs && this.opts.resyncMs > 0 ? setInterval(() => this.resync(), this.opts.resyncMs) : undefined;
    let failures = 0;
    let needList = true;
    try {
      while (!signal.aborted) {
        try {
          if (needList) {
            await this.relist(signal);
            needList = false;
          }
          const started = Date.now();
          const events = await this.watchOnce(signal);
          if (signal.aborted) break;
          if (events === 0 && Date.now() - started < SHORT_WATCH_MS) {
            failures++;
            this.log.debug({ resource: this.info.resource }, 'watch closed immediately; backing off');
          } else {
            failures = 0;
            continue;
          }
        } catch (e) {
          if (signal.aborted) break;
          failures++;
          if (isExpired(e)) {
            needList = true;
            this.log.info({ resource: this.info.resource, rv: this.lastRV }, 'watch expired; relisting');
            // The first expiry relists at once; repeated ones back off like any failure.
            if (failures === 1) continue;
          } else {
            this.log.warn(
              { resource: this.info.resource, failures, ...errorFields(e) },
              needList ? 'list failed; retrying' : 'watch failed; retrying',
            );
          }
        }
        await sleep(this.backoff(failures), signal).catch(() => undefined);
      }
    } finally {
      if (resync) clearInterval(resync);
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of waiters) w(false);
      this.running = undefined;
    }
  }

  private backoff(failures: number): number {
    const initial = this.opts.backoffInitialMs ?? 800;
    const max = this.opts.backoffMaxMs ?? 30_000;
    const base = Math.min(max, initial * 2 ** Math.min(failures - 1, 30));
    // Jitter spreads out many informers that failed together (apiserver restart).
    return Math.min(max, base * (1 + Math.random() * 0.2));
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const pageSize = this.opts.pageSize ?? 500;
    const items: T[] = [];
    let cont: string | undefined;
    let rv: string | undefined;
    let limit: number | undefined = pageSize;
    do {
      let page;
      try {
        page = await this.client.list<T>(this.info, this.opts.namespace, {
          labelSelector: this.opts.labelSelector,
          fieldSelector: this.opts.fieldSelector,
          limit,
          continue: cont,
          signal,
          timeoutMs: this.opts.listTimeoutMs ?? 60_000,
        });
      } catch (e) {
        // An expired continue token: fall back to one unpaginated list, as client-go does.
        if (cont && isExpired(e)) {
          items.length = 0;
          cont = undefined;
          limit = undefined;
          continue;
        }
        throw e;
      }
      for (const item of page.items ?? []) items.push(this.withTypeMeta(item));
      cont = page.metadata?.continue || undefined;
      rv = page.metadata?.resourceVersion;
    } while (cont);
    if (signal.aborted) return;
    this.replace(items, rv);
  }

  /** Reconciles the cache with a fresh list, emitting only the differences. */
  private replace(items: T[], rv: string | undefined): void {
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.store.set(obj);
      if (!old) this.emit('add', [obj]);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit('update', [old, obj]);
    }
    for (const key of this.store.keys()) {
      if (seen.has(key)) continue;
      const old = this.store.delete(key);
      if (old) this.emit('delete', [old]);
    }
    this.lastRV = rv;
    this.log.debug({ resource: this.info.resource, rv, count: items.length }, 'listed');
    if (!this.synced) {
      this.synced = true;
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of waiters) w(true);
    }
  }

  /** One watch from the last seen resourceVersion; returns how many events it delivered. */
  private async watchOnce(signal: AbortSignal): Promise<number> {
    const timeoutSeconds = this.opts.watchTimeoutSeconds ?? Math.floor(300 + Math.random() * 300);
    // A silently dead connection never ends on its own: give up a while after the
    // server should have closed the stream.
    const guard = new AbortController();
    const timer = setTimeout(() => guard.abort(), (timeoutSeconds + 30) * 1000);
    let events = 0;
    try {
      const stream = watchStream<T>(this.client, this.info, this.opts.namespace, {
        resourceVersion: this.lastRV,
        labelSelector: this.opts.labelSelector,
        fieldSelector: this.opts.fieldSelector,
        allowWatchBookmarks: true,
        timeoutSeconds,
        omitManagedFields: this.opts.omitManagedFields,
        signal: AbortSignal.any([signal, guard.signal]),
      });
      for await (const ev of stream) {
        events++;
        const obj = ev.object as T;
        if (ev.type === 'BOOKMARK') {
          // Bookmarks only advance the resourceVersion we resume from.
        } else if (ev.type === 'DELETED') {
          const full = this.withTypeMeta(obj);
          this.store.delete(objectKey(full));
          this.emit('delete', [full]);
        } else {
          const full = this.withTypeMeta(obj);
          const old = this.store.set(full);
          if (old) this.emit('update', [old, full]);
          else this.emit('add', [full]);
        }
        const rv = obj.metadata?.resourceVersion;
        if (rv) this.lastRV = rv;
      }
    } finally {
      clearTimeout(timer);
    }
    return events;
  }

  private resync(): void {
    if (!this.synced) return;
    for (const obj of this.store.list()) this.emit('update', [obj, obj]);
  }

  /** List items come without apiVersion/kind; fill them in so handlers can build ownerReferences etc. */
  private withTypeMeta(obj: T): T {
    const transform = this.opts.transform;
    const transformed = transform ? (transform(obj) as T) : obj;
    if (transformed.apiVersion && transformed.kind) return transformed;
    return { ...transformed, apiVersion: apiVersionOf(this.info.group, this.info.version), kind: this.info.kind };
  }

  // ---- handler dispatch ----

  private emit<E extends keyof InformerHandlers<T>>(event: E, args: Parameters<InformerHandlers<T>[E]>): void {
    for (const h of this.handlers[event]) this.call(event, h, args);
  }

  /** A throwing or rejecting handler is logged; it must not break the informer. */
  private call<E extends keyof InformerHandlers<T>>(
    event: E,
    handler: InformerHandlers<T>[E],
    args: Parameters<InformerHandlers<T>[E]>,
  ): void {
    const fail = (e: unknown): void => {
      this.log.error({ resource: this.info.resource, event, ...errorFields(e) }, 'informer handler failed');
    };
    try {
      const r = (handler as (...a: unknown[]) => unknown)(...args);
      if (r && typeof (r as Promise<void>).then === 'function') (r as Promise<void>).then(undefined, fail);
    } catch (e) {
      fail(e);
    }
  }
}

/** 410 from the server, as an HTTP status or an ERROR event: our resourceVersion is too old. */
export function isExpired(e: unknown): boolean {
  return isApiError(e) && (e.code === 410 || e.reason === 'Expired' || e.reason === 'Gone');
}

/**
 * Drops metadata.managedFields, often the bulk of an object, which controllers never
 * read: kube-controller-manager's and kube-scheduler's informers do the same. An
 * update sent from such a copy keeps the stored managedFields, because it omits them.
 */
export function stripManagedFields(obj: KubeObject): KubeObject {
  if (obj.metadata?.managedFields) delete obj.metadata.managedFields;
  return obj;
}
