import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { buildKubeconfig, loadKubeconfig, mergeKubeconfig } from '../../client/kubeconfig.js';
import { entryNames, removeEntries, renameEntries } from './kubeconfig-merge.js';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const admin = buildKubeconfig({
  clusterName: 'kubelite', server: 'https://127.0.0.1:16443', caData: 'CA', contextName: 'kubelite',
  user: { name: 'kubelite-admin', certData: 'CERT', keyData: 'KEY' },
});
const other = buildKubeconfig({ clusterName: 'prod', server: 'https://prod:6443', contextName: 'prod', user: { name: 'me', token: 't' } });

test('the admin kubeconfig renamed for a cluster keeps its credentials', async () => {
  const text = renameEntries(admin, entryNames('dev'));
  const doc = parse(text);
  assert.equal(doc['current-context'], 'dev');
  assert.deepEqual(doc.contexts, [{ name: 'dev', context: { cluster: 'dev', user: 'dev-admin' } }]);
  const dir = await mkdtemp(join(tmpdir(), 'kubelite-kc-'));
  try {
    await writeFile(join(dir, 'c'), text);
    const cfg = loadKubeconfig({ path: join(dir, 'c') });
    assert.equal(cfg.server, 'https://127.0.0.1:16443');
    assert.equal(cfg.cert?.toString(), 'CERT');
    assert.equal(cfg.ca?.toString(), 'CA');
  } finally {
    await rm(dir, { recursive: true });
  }
});

test('merge then remove leaves the other clusters as they were', () => {
  const names = entryNames('kubelite');
  const merged = mergeKubeconfig(other, renameEntries(admin, names), { setCurrentContext: true });
  const doc = parse(merged);
  assert.equal(doc['current-context'], 'kubelite');
  assert.deepEqual(doc.contexts.map((c: { name: string }) => c.name), ['prod', 'kubelite']);
  const back = parse(removeEntries(merged, names));
  assert.deepEqual(back.clusters, parse(other).clusters);
  assert.deepEqual(back.users, parse(other).users);
  assert.deepEqual(back.contexts, parse(other).contexts);
  assert.equal(back['current-context'], '', 'the removed context is no longer current');
  // removing when another context is current keeps it
  const kept = parse(removeEntries(mergeKubeconfig(other, renameEntries(admin, names), { setCurrentContext: false }), names));
  assert.equal(kept['current-context'], 'prod');
});

test('re-running up replaces the entries instead of adding duplicates', () => {
  const names = entryNames('kubelite');
  const once = mergeKubeconfig(undefined, renameEntries(admin, names), { setCurrentContext: true });
  const twice = parse(mergeKubeconfig(once, renameEntries(admin.replace('16443', '16444'), names), { setCurrentContext: true }));
  assert.equal(twice.clusters.length, 1);
  assert.equal(twice.clusters[0].cluster.server, 'https://127.0.0.1:16444');
});

test('a kubeconfig with more than one context is not an admin kubeconfig', () => {
  assert.throws(() => renameEntries(mergeKubeconfig(other, admin, { setCurrentContext: true }), entryNames('x')), /exactly one/);
});
