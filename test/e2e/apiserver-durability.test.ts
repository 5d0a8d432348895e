// Acknowledged writes survive kill -9, and resourceVersions never repeat.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApiserver, removeDir, sleep, type Apiserver } from './harness.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/meta.js';

const configmaps = findResource('', 'v1', 'configmaps')!;
let api: Apiserver | undefined;

after(async () => {
  if (api) {
    await api.stop('SIGKILL');
    await removeDir(api.dataDir);
  }
});

test('kill -9 while 20 clients create objects: every acknowledged object is there after restart', async () => {
  api = await startApiserver();
  const client = new RestClient(loadKubeconfig({ path: api.kubeconfig }));
  const acked = new Map<string, string>();
  let stop = false;
  const worker = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const name = `w${w}-${i}`;
      try {
        const obj = await client.create<KubeObject>(configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } });
        acked.set(name, obj.metadata.resourceVersion!);
      } catch {
        return; // the server died under us: this write was never acknowledged
      }
    }
  };
  const workers = Array.from({ length: 20 }, (_, w) => worker(w));
  await sleep(1500);
  api.proc.child.kill('SIGKILL');
  await api.proc.exited;
  stop = true;
  await Promise.all(workers);
  assert.ok(acked.size > 50, `only ${acked.size} creates were acknowledged before the kill`);

  await api.restart();
  const client2 = new RestClient(loadKubeconfig({ path: api.kubeconfig }));
  const list = await client2.list(configmaps, 'default');
  const byName = new Map(list.items.map((o) => [o.metadata.name!, o.metadata.resourceVersion!]));
  const missing = [...acked.keys()].filter((n) => !byName.has(n));
  assert.deepEqual(missing, [], `acknowledged but lost: ${missing.slice(0, 5).join(', ')}`);
  for (const [name, rv] of acked) assert.equal(byName.get(name), rv, `${name} has a different resourceVersion`);

  const rvs = list.items.map((o) => Number(o.metadata.resourceVersion));
  assert.equal(new Set(rvs).size, rvs.length, 'resourceVersions repeat');
  const maxBefore = Math.max(...rvs);
  const fresh = await client2.create<KubeObject>(configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-restart' } });
  assert.ok(Number(fresh.metadata.resourceVersion) > maxBefore, 'a new write reused an old resourceVersion');
  assert.ok(Number(list.metadata.resourceVersion) >= maxBefore);
});
