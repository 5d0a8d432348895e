import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectStore, objectStorageKey, resourcePrefix } from './store.js';
import { TooOldResourceVersionError } from './types.js';
import type { KubeObject } from '../../api/meta.js';
import type { StorageEvent } from './types.js';

const cm = (name: string, v = '1'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { v } });
const key = (name: string, ns = 'default') => objectStorageKey('', 'configmaps', ns, name);

async function withStore(fn: (s: ObjectStore, dir: string) => Promise<void>, windowSize = 100): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kubelite-store-'));
  const s = new ObjectStore(dir, windowSize);
  await s.open();
  try {
    await fn(s, dir);
  } finally {
    await s.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
}

test('writes get increasing revisions and are readable once acknowledged', () => withStore(async (s) => {
  const a = await s.update(key('a'), () => cm('a'));
  const b = await s.update(key('b'), () => cm('b'));
  assert.equal(a.object!.metadata.resourceVersion, '1');
  assert.equal(b.object!.metadata.resourceVersion, '2');
  assert.equal(s.currentRevision(), 2);
  assert.deepEqual(s.get(key('a'))!.data, { v: '1' });
  assert.deepEqual(s.list(resourcePrefix('', 'configmaps')).map((o) => o.metadata.name), ['a', 'b']);
}));

test('concurrent writes are group-committed into fewer synced batches', () => withStore(async (s) => {
  await Promise.all(Array.from({ length: 200 }, (_, i) => s.update(key(`c${i}`), () => cm(`c${i}`))));
  assert.equal(s.stats.writes, 200);
  assert.ok(s.stats.batches < 200, `expected group commit, got ${s.stats.batches} batches`);
  assert.equal(s.list(resourcePrefix('', 'configmaps')).length, 200);
}));

test('the update function sees queued writes, so read-modify-write is atomic', () => withStore(async (s) => {
  await s.update(key('n'), () => cm('n', '0'));
  const incs = Array.from({ length: 50 }, () => s.update(key('n'), (cur) => cm('n', String(Number((cur!.data as { v: string }).v) + 1))));
  await Promise.all(incs);
  assert.deepEqual(s.get(key('n'))!.data, { v: '50' });
}));

test('a throwing update function rejects and writes nothing', () => withStore(async (s) => {
  await assert.rejects(s.update(key('x'), () => { throw new Error('nope'); }), /nope/);
  assert.equal(s.currentRevision(), 0);
  assert.equal(s.get(key('x')), undefined);
}));

test('a batch the disk refuses fails its writes, which stay invisible, and later writes still work', () => withStore(async (s, dir) => {
  await s.update(key('a'), () => cm('a'));
  // the store's LevelDB handle, to make exactly one batch write fail
  const db = (s as unknown as { db: { batch(): { write(o?: object): Promise<void> } } }).db;
  const realBatch = db.batch.bind(db);
  let fail = true;
  db.batch = () => {
    const b = realBatch();
    if (fail) {
      fail = false;
      b.write = async () => { throw new Error('disk full'); };
    }
    return b;
  };
  await assert.rejects(s.update(key('b'), () => cm('b')), /storage write failed: disk full/);
  assert.equal(s.get(key('b')), undefined);
  assert.equal(s.latestValue(key('b')), undefined);
  assert.equal(s.currentRevision(), 1);
  const c = await s.update(key('c'), () => cm('c'));
  assert.equal(c.object!.metadata.resourceVersion, '2');
  await s.close();
  const reopened = new ObjectStore(dir);
  await reopened.open();
  try {
    assert.deepEqual(reopened.list(resourcePrefix('', 'configmaps')).map((o) => o.metadata.name), ['a', 'c']);
    assert.equal(reopened.currentRevision(), 2);
  } finally {
    await reopened.close();
  }
}));

test('list by namespace prefix', () => withStore(async (s) => {
  await s.update(key('a', 'ns1'), () => ({ ...cm('a'), metadata: { name: 'a', namespace: 'ns1' } }));
  await s.update(key('b', 'ns2'), () => ({ ...cm('b'), metadata: { name: 'b', namespace: 'ns2' } }));
  await s.update(key('c', 'ns1'), () => ({ ...cm('c'), metadata: { name: 'c', namespace: 'ns1' } }));
  assert.deepEqual(s.list(resourcePrefix('', 'configmaps') + 'ns1/').map((o) => o.metadata.name), ['a', 'c']);
}));

test('objects and the revision counter survive reopening', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kubelite-store-'));
  try {
    const s1 = new ObjectStore(dir);
    await s1.open();
    await s1.update(key('a'), () => cm('a'));
    await s1.update(key('b'), () => cm('b'));
    await s1.update(key('a'), () => null);
    await s1.close();
    const s2 = new ObjectStore(dir);
    await s2.open();
    assert.equal(s2.currentRevision(), 3);
    assert.equal(s2.get(key('a')), undefined);
    assert.equal(s2.get(key('b'))!.metadata.resourceVersion, '2');
    const c = await s2.update(key('c'), () => cm('c'));
    assert.equal(c.revision, 4);
    await s2.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('watch events replay from a revision; older than the window is 410-worthy', () => withStore(async (s) => {
  const seen: StorageEvent[] = [];
  s.onCommit((evs) => seen.push(...evs));
  for (let i = 0; i < 8; i++) await s.update(key('k'), () => cm('k', String(i)));
  await s.update(key('k'), () => null);
  assert.deepEqual(seen.map((e) => e.type), ['ADDED', ...Array(7).fill('MODIFIED'), 'DELETED']);
  assert.equal(seen[8].object.metadata.resourceVersion, '9');
  const prefix = resourcePrefix('', 'configmaps');
  assert.deepEqual(s.eventsSince(prefix, 6).map((e) => e.revision), [7, 8, 9]);
  assert.throws(() => s.eventsSince(prefix, 2), TooOldResourceVersionError);
}, 5));

test('a watch from a list revision works even when other resources moved on before it arrived', () => withStore(async (s) => {
  await s.update(key('a'), () => cm('a'));
  const listRv = s.currentRevision();
  // writes to another resource advance the global revision
  await s.update(objectStorageKey('', 'secrets', 'default', 'x'), () => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'default' } }));
  assert.deepEqual(s.eventsSince(resourcePrefix('', 'pods'), listRv), []);
  assert.deepEqual(s.eventsSince(resourcePrefix('', 'configmaps'), listRv), []);
}));
