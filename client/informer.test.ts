import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { objectKey, type KubeObject } from '../api/meta.js';
import { findByKind } from '../api/resources.js';
import { Informer, stripManagedFields, type InformerOptions } from './informer.js';
import { RestClient } from './rest.js';

const pods = findByKind('v1', 'Pod')!;

/**
 * Just enough of an apiserver for pods: paginated list, watch with replay from a
 * resourceVersion, 410 for compacted history (as HTTP status or ERROR event).
 */
class FakePodServer {
  rv = 0;
  compactedRV = 0;
  expiredAs: 'status' | 'event' = 'status';
  /** fail this many upcoming watch requests with a 500 */
  failWatches = 0;
  readonly objects = new Map<string, KubeObject>();
  readonly events: Array<{ rv: number; type: string; object: KubeObject }> = [];
  readonly requests: string[] = [];
  private readonly watchers = new Set<{ from: number; res: http.ServerResponse; ns?: string }>();
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  get lists(): string[] {
    return this.requests.filter((u) => !u.includes('watch=true'));
  }

  get watches(): string[] {
    return this.requests.filter((u) => u.includes('watch=true'));
  }

  upsert(ns: string, name: string, labels: Record<string, string> = {}): KubeObject {
    const key = `${ns}/${name}`;
    const type = this.objects.has(key) ? 'MODIFIED' : 'ADDED';
    const obj: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels, resourceVersion: String(++this.rv), managedFields: [{ manager: 'test', operation: 'Update' }] },
    };
    this.objects.set(key, obj);
    this.record(type, obj);
    return obj;
  }

  remove(ns: string, name: string): void {
    const key = `${ns}/${name}`;
    const old = this.objects.get(key)!;
    this.objects.delete(key);
    this.record('DELETED', { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.rv) } });
  }

  /** Forget history up to now and cut every watch, as after an etcd compaction. */
  compact(): void {
    this.compactedRV = this.rv;
    this.dropWatches();
  }

  dropWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  private record(type: string, object: KubeObject): void {
    const ev = { rv: this.rv, type, object };
    this.events.push(ev);
    for (const w of this.watchers) {
      if (!w.ns || w.ns === object.metadata.namespace) w.res.write(JSON.stringify({ type, object }) + '\n');
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests.push(req.url!);
    const url = new URL(req.url!, 'http://x');
    const m = /^\/api\/v1(?:\/namespaces\/([^/]+))?\/pods$/.exec(url.pathname);
    if (!m || req.method !== 'GET') {
      res.writeHead(404).end();
      return;
    }
    const ns = m[1];
    const q = url.searchParams;
    if (q.get('watch') === 'true') {
      if (this.failWatches > 0) {
        this.failWatches--;
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('boom');
        return;
      }
      const from = Number(q.get('resourceVersion') ?? '0');
      if (from < this.compactedRV) {
        const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', code: 410, message: `too old resource version: ${from} (${this.compactedRV})` };
        if (this.expiredAs === 'status') {
          res.writeHead(410, { 'Content-Type': 'application/json' }).end(JSON.stringify(status));
        } else {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
        }
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      for (const ev of this.events) {
        if (ev.rv > from && (!ns || ev.object.metadata.namespace === ns)) {
          res.write(JSON.stringify({ type: ev.type, object: ev.object }) + '\n');
        }
      }
      const w = { from, res, ns };
      this.watchers.add(w);
      res.on('close', () => this.watchers.delete(w));
      return;
    }
    // List items are sorted by key; the continue token is the next index.
    const all = [...this.objects.entries()]
      .filter(([, o]) => !ns || o.metadata.namespace === ns)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, o]) => {
        const { apiVersion: _a, kind: _k, ...rest } = o;
        return rest; // real list items carry no apiVersion/kind
      });
    const start = Number(q.get('continue') ?? '0');
    const limit = Number(q.get('limit') ?? '0') || all.length;
    const items = all.slice(start, start + limit);
    const next = start + limit < all.length ? String(start + limit) : undefined;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv), continue: next }, items }));
  }
}

async function waitFor(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Harness {
  server: FakePodServer;
  client: RestClient;
  informer: Informer;
  log: string[];
  ctl: AbortController;
  done: Promise<void>;
}

async function setup(opts: { pageSize?: number; resyncMs?: number; namespace?: string; transform?: InformerOptions['transform'] } = {}, seed = 5): Promise<Harness> {
  const server = new FakePodServer();
  await server.start();
  for (let i = 0; i < seed; i++) server.upsert(i % 2 ? 'odd' : 'even', `p${i}`);
  const client = new RestClient({ server: server.url, namespace: 'default' });
  const informer = new Informer(client, pods, { backoffInitialMs: 5, backoffMaxMs: 40, watchTimeoutSeconds: 60, ...opts });
  const log: string[] = [];
  informer
    .on('add', (o) => void log.push(`add ${objectKey(o)}@${o.metadata.resourceVersion}`))
    .on('update', (a, b) => void log.push(`update ${objectKey(b)}@${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`))
    .on('delete', (o) => void log.push(`delete ${objectKey(o)}`));
  const ctl = new AbortController();
  const done = informer.start(ctl.signal);
  return { server, client, informer, log, ctl, done };
}

async function teardown(h: Harness): Promise<void> {
  h.ctl.abort();
  await h.done;
  h.client.close();
  await h.server.close();
}

test('lists in pages, fills the store and indexes, then streams watch events', async () => {
  const h = await setup({ pageSize: 2 });
  try {
    assert.equal(await h.informer.waitForSync(), true);
    assert.equal(h.informer.hasSynced(), true);
    assert.deepEqual(h.server.lists, [
      '/api/v1/pods?limit=2',
      '/api/v1/pods?limit=2&continue=2',
      '/api/v1/pods?limit=2&continue=4',
    ]);
    assert.equal(h.informer.store.size, 5);
    assert.deepEqual(h.informer.store.byIndex('namespace', 'odd').map(objectKey).sort(), ['odd/p1', 'odd/p3']);
    assert.equal(h.informer.store.get('even/p0')?.kind, 'Pod', 'list items get apiVersion/kind filled in');
    assert.equal(h.log.filter((l) => l.startsWith('add')).length, 5);

    await waitFor(() => h.server.watches.length === 1, 'watch');
    assert.match(h.server.watches[0]!, /^\/api\/v1\/pods\?watch=true&resourceVersion=5&allowWatchBookmarks=true&timeoutSeconds=60$/);
    h.log.length = 0;
    h.server.upsert('even', 'p0', { app: 'web' });
    h.server.upsert('even', 'new');
    h.server.remove('odd', 'p1');
    await waitFor(() => h.log.length === 3, 'three events');
    assert.deepEqual(h.log, ['update even/p0@1->6', 'add even/new@7', 'delete odd/p1']);
    assert.deepEqual(h.informer.store.get('even/p0')?.metadata.labels, { app: 'web' });
    assert.equal(h.informer.store.get('odd/p1'), undefined);
    assert.equal(h.informer.lastSyncResourceVersion, '8');

    h.informer.store.addIndexer('app', (o) => (o.metadata.labels?.app ? [o.metadata.labels.app] : []));
    assert.deepEqual(h.informer.store.byIndex('app', 'web').map(objectKey), ['even/p0']);
  } finally {
    await teardown(h);
  }
});

test('a transform (stripManagedFields) applies to listed objects and watch events before they are cached or handed out', async () => {
  const h = await setup({ transform: stripManagedFields }, 2);
  const plain = await setup({}, 2);
  try {
    assert.equal(await h.informer.waitForSync(), true);
    assert.equal(await plain.informer.waitForSync(), true);
    assert.equal(h.informer.store.get('even/p0')?.metadata.managedFields, undefined, 'listed');
    assert.equal(h.informer.store.get('even/p0')?.kind, 'Pod');
    assert.equal(plain.informer.store.get('even/p0')?.metadata.managedFields?.length, 1, 'kept without a transform');
    const handed: KubeObject[] = [];
    h.informer.on('add', (o) => void handed.push(o));
    await waitFor(() => h.server.watches.length === 1, 'watch');
    h.server.upsert('even', 'new');
    await waitFor(() => handed.some((o) => o.metadata.name === 'new'), 'the watched add');
    assert.ok(handed.every((o) => o.metadata.managedFields === undefined), 'handlers get stripped objects, replayed and watched');
    assert.equal(h.informer.store.get('even/new')?.metadata.managedFields, undefined);
  } finally {
    await teardown(h);
    await teardown(plain);
  }
});

test('a closed watch resumes from the last resourceVersion without relisting', async () => {
  const h = await setup();
  try {
    await h.informer.waitForSync();
    await waitFor(() => h.server.watches.length === 1, 'first watch');
    h.server.upsert('even', 'x');
    await waitFor(() => h.informer.lastSyncResourceVersion === '6', 'event');
    h.server.dropWatches();
    await waitFor(() => h.server.watches.length === 2, 're-watch');
    assert.match(h.server.watches[1]!, /resourceVersion=6&/);
    assert.equal(h.server.lists.length, 1);
    h.server.upsert('even', 'y');
    await waitFor(() => h.informer.store.get('even/y') !== undefined, 'event on new watch');
    assert.equal(h.log.filter((l) => l.startsWith('add even/x')).length, 1, 'no duplicate');
  } finally {
    await teardown(h);
  }
});

for (const expiredAs of ['status', 'event'] as const) {
  test(`410 Expired (${expiredAs === 'status' ? 'HTTP status' : 'ERROR event'}) relists and reconciles the store`, async () => {
    const h = await setup();
    h.server.expiredAs = expiredAs;
    try {
      await h.informer.waitForSync();
      await waitFor(() => h.server.watches.length === 1, 'first watch');
      h.log.length = 0;
      // Changes the informer will only learn about from the relist: its watch is cut
      // and the history it would resume from is compacted away.
      h.server.dropWatches();
      h.server.failWatches = 1000; // keep it off the air while we change things
      await waitFor(() => h.server.watches.length >= 2, 'failing re-watch');
      h.server.remove('even', 'p0');
      h.server.upsert('odd', 'p1', { changed: 'yes' });
      h.server.upsert('odd', 'fresh');
      h.server.compact();
      h.server.failWatches = 0;
      await waitFor(() => h.server.lists.length === 2, 'relist');
      await waitFor(() => h.log.length === 3, 'reconcile events');
      assert.deepEqual(h.log.sort(), ['add odd/fresh@8', 'delete even/p0', 'update odd/p1@2->7']);
      assert.deepEqual(h.informer.store.keys().sort(), ['even/p2', 'even/p4', 'odd/fresh', 'odd/p1', 'odd/p3']);
      await waitFor(() => h.server.watches.some((u) => u.includes('resourceVersion=8&')), 'watch from the relist RV');
    } finally {
      await teardown(h);
    }
  });
}

test('network errors back off and retry; resync re-delivers updates; handler errors are contained', async () => {
  const server = new FakePodServer();
  await server.start();
  server.upsert('ns', 'a');
  const client = new RestClient({ server: server.url, namespace: 'default' });
  const errors: string[] = [];
  const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (_o: Record<string, unknown>, m?: string) => errors.push(m ?? '') };
  const informer = new Informer(client, pods, { namespace: 'ns', resyncMs: 30, backoffInitialMs: 5, backoffMaxMs: 20, logger });
  const resyncs: string[] = [];
  informer.on('update', (a, b) => {
    if (a === b) resyncs.push(objectKey(b));
  });
  informer.on('add', () => {
    throw new Error('handler bug');
  });
  informer.on('add', async () => {
    throw new Error('async handler bug');
  });
  server.failWatches = 3;
  const ctl = new AbortController();
  const done = informer.start(ctl.signal);
  try {
    assert.equal(await informer.waitForSync(), true);
    await waitFor(() => server.watches.length === 4, 'three failed watches then a good one');
    assert.equal(server.lists.length, 1, 'plain failures re-watch without relisting');
    assert.ok(server.lists[0]!.startsWith('/api/v1/namespaces/ns/pods?'));
    await waitFor(() => resyncs.length >= 2, 'resync');
    assert.equal(resyncs[0], 'ns/a');
    await waitFor(() => errors.length === 2, 'handler errors logged');
    // a handler registered late still hears about existing objects
    const late: string[] = [];
    informer.on('add', (o) => void late.push(objectKey(o)));
    assert.deepEqual(late, ['ns/a']);
  } finally {
    ctl.abort();
    await done;
    client.close();
    await server.close();
  }
});

test('unreachable server: no sync, no throw; abort resolves start() and waitForSync(false)', async () => {
  // Nothing listens on this port once the server is closed.
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  const client = new RestClient({ server: `http://127.0.0.1:${port}`, namespace: 'default' });
  const informer = new Informer(client, pods, { backoffInitialMs: 5, backoffMaxMs: 10 });
  const ctl = new AbortController();
  const done = informer.start(ctl.signal);
  const sync = informer.waitForSync();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(informer.hasSynced(), false);
  ctl.abort();
  await done;
  assert.equal(await sync, false);
  const aborted = new AbortController();
  aborted.abort();
  assert.equal(await informer.waitForSync(aborted.signal), false);
  client.close();
});
