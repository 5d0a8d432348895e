// Controller manager, garbage collector and namespace deletion, driven by the
// real kubectl: `delete --cascade=background|foreground|orphan` on owners with
// dependents, dependents of owners that never existed, and `kubectl delete
// namespace` of a namespace full of content.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApiserver, startProcess, Kubectl, removeDir, sleep, waitFor, type Apiserver, type Proc } from './harness.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { isNotFound } from '../../api/errors.js';
import type { KubeObject, OwnerReference } from '../../api/meta.js';
import { findResource } from '../../api/resources.js';
import type { Namespace } from '../../api/types/index.js';

const configmaps = findResource('', 'v1', 'configmaps')!;
const namespaces = findResource('', 'v1', 'namespaces')!;
const pods = findResource('', 'v1', 'pods')!;
const replicasets = findResource('apps', 'v1', 'replicasets')!;

let api: Apiserver;
let kubectl: Kubectl;
let client: RestClient;
let cm: Proc;

async function createCM(name: string, owners: OwnerReference[] = [], extra: Partial<KubeObject['metadata']> = {}, ns = 'default'): Promise<KubeObject> {
  return client.create(configmaps, ns, {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, ownerReferences: owners.length ? owners : undefined, ...extra }, data: { a: '1' },
  });
}

function ownerRef(o: KubeObject, block = true): OwnerReference {
  return { apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name!, uid: o.metadata.uid!, blockOwnerDeletion: block };
}

async function getCM(name: string, ns = 'default'): Promise<KubeObject | undefined> {
  try {
    return await client.get(configmaps, ns, name);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

before(async () => {
  api = await startApiserver();
  kubectl = await Kubectl.create(api.kubeconfig);
  client = new RestClient(loadKubeconfig({ path: api.kubeconfig }));
  cm = startProcess(['controller-manager', '--kubeconfig', api.kubeconfig, '--controllers', 'garbagecollector,namespace,replicaset'],
    join(api.dataDir, 'controller-manager.log'));
});

after(async () => {
  await cm?.kill();
  client?.close();
  await api?.stop();
  await kubectl?.cleanup();
  if (api) await removeDir(api.dataDir);
});

test('--cascade=background: the owner goes at once, its dependents right after; a dependent with another live owner stays', async () => {
  const owner = await createCM('bg-owner');
  const other = await createCM('bg-other');
  await createCM('bg-dep-1', [ownerRef(owner)]);
  await createCM('bg-dep-2', [ownerRef(owner, false)]);
  await createCM('bg-shared', [ownerRef(owner), ownerRef(other)]);
  await createCM('bg-grandchild', [ownerRef((await getCM('bg-dep-1'))!)]);
  await kubectl.ok(['delete', 'configmap', 'bg-owner', '--cascade=background']);
  assert.equal(await getCM('bg-owner'), undefined);
  await waitFor('background dependents deleted', async () =>
    (await getCM('bg-dep-1')) === undefined && (await getCM('bg-dep-2')) === undefined && (await getCM('bg-grandchild')) === undefined, 15_000);
  const shared = await waitFor('reference to the gone owner removed', async () => {
    const s = await getCM('bg-shared');
    return s && s.metadata.ownerReferences?.length === 1 ? s : undefined;
  }, 15_000);
  assert.equal(shared.metadata.ownerReferences![0].uid, other.metadata.uid);
});

test('--cascade=foreground: the owner waits (foregroundDeletion) until its blocking dependents are gone', async () => {
  const owner = await createCM('fg-owner');
  await createCM('fg-dep', [ownerRef(owner)]);
  // A blocking dependent held by someone else's finalizer keeps the owner waiting.
  await createCM('fg-held', [ownerRef(owner)], { finalizers: ['example.com/hold'] });
  await kubectl.ok(['delete', 'configmap', 'fg-owner', '--cascade=foreground', '--wait=false']);
  await waitFor('fg-dep deleted', async () => (await getCM('fg-dep')) === undefined, 15_000);
  await waitFor('fg-held marked for deletion', async () => !!(await getCM('fg-held'))?.metadata.deletionTimestamp, 15_000);
  await sleep(1_000);
  const waiting = await getCM('fg-owner');
  assert.ok(waiting, 'owner must wait for its blocking dependent');
  assert.ok(waiting.metadata.deletionTimestamp);
  assert.deepEqual(waiting.metadata.finalizers, ['foregroundDeletion']);
  // Release the dependent: it goes, then the owner follows.
  await kubectl.ok(['patch', 'configmap', 'fg-held', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
  await waitFor('owner gone', async () => (await getCM('fg-owner')) === undefined, 15_000);
});

test('--cascade=foreground with kubectl waiting: returns once owner and dependents are gone', async () => {
  const owner = await createCM('fgw-owner');
  await createCM('fgw-dep-1', [ownerRef(owner)]);
  await createCM('fgw-dep-2', [ownerRef(owner)]);
  await kubectl.ok(['delete', 'configmap', 'fgw-owner', '--cascade=foreground', '--timeout=30s']);
  assert.equal(await getCM('fgw-owner'), undefined);
  assert.equal(await getCM('fgw-dep-1'), undefined);
  assert.equal(await getCM('fgw-dep-2'), undefined);
});

test('--cascade=orphan: the owner goes, the dependents stay without the reference', async () => {
  const owner = await createCM('or-owner');
  const keep = await createCM('or-other');
  await createCM('or-dep-1', [ownerRef(owner)]);
  await createCM('or-dep-2', [ownerRef(owner), ownerRef(keep)]);
  await kubectl.ok(['delete', 'configmap', 'or-owner', '--cascade=orphan', '--timeout=30s']);
  assert.equal(await getCM('or-owner'), undefined);
  const d1 = await getCM('or-dep-1');
  const d2 = await getCM('or-dep-2');
  assert.ok(d1 && d2, 'orphaned dependents must stay');
  assert.equal(d1.metadata.ownerReferences, undefined);
  assert.deepEqual(d2.metadata.ownerReferences?.map((r) => r.uid), [keep.metadata.uid]);
  await sleep(1_000);
  assert.ok(await getCM('or-dep-1'), 'and stay for good');
});

test('dependents whose owner uid does not exist are collected; a same-named owner with another uid does not save them', async () => {
  const real = await createCM('uid-owner');
  await createCM('uid-good', [ownerRef(real)]);
  await createCM('uid-wrong', [{ ...ownerRef(real), uid: '00000000-0000-0000-0000-000000000000' }]);
  await createCM('uid-absent', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'never-existed', uid: '11111111-1111-1111-1111-111111111111' }]);
  await waitFor('dangling dependents deleted', async () => (await getCM('uid-wrong')) === undefined && (await getCM('uid-absent')) === undefined, 15_000);
  assert.ok(await getCM('uid-good'));
});

test('a ReplicaSet deleted in the foreground takes its pods with it', async () => {
  await kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify({
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  }) });
  const rs = await client.get(replicasets, 'default', 'web');
  const owned = async () => (await client.list(pods, 'default', { labelSelector: 'app=web' })).items
    .filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === rs.metadata.uid));
  await waitFor('2 pods', async () => (await owned()).length === 2, 20_000);
  await kubectl.ok(['delete', 'replicaset', 'web', '--cascade=foreground', '--timeout=30s']);
  assert.equal((await owned()).length, 0);
});

test('kubectl delete namespace removes everything in it, then the namespace', async () => {
  await kubectl.ok(['create', 'namespace', 'doomed']);
  for (let i = 0; i < 3; i++) await createCM(`cm-${i}`, [], {}, 'doomed');
  await kubectl.ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '-n', 'doomed']);
  await kubectl.ok(['run', 'p1', '--image=busybox', '-n', 'doomed']);
  await kubectl.ok(['create', 'secret', 'generic', 's1', '--from-literal=k=v', '-n', 'doomed']);
  const owner = await createCM('owner', [], {}, 'doomed');
  await createCM('owned', [ownerRef(owner)], {}, 'doomed');
  await kubectl.ok(['delete', 'namespace', 'doomed', '--timeout=60s'], { timeoutMs: 70_000 });
  const r = await kubectl.run(['get', 'namespace', 'doomed']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /NotFound|not found/);
  for (const res of ['configmaps', 'services', 'pods', 'secrets']) {
    const out = await kubectl.ok(['get', res, '-n', 'doomed', '-o', 'name']);
    assert.equal(out.trim(), '', `${res} left in the deleted namespace`);
  }
});

test('a namespace waits for content held by a finalizer and says so in its conditions', async () => {
  await kubectl.ok(['create', 'namespace', 'held']);
  await createCM('stuck', [], { finalizers: ['example.com/hold'] }, 'held');
  await createCM('free', [], {}, 'held');
  await kubectl.ok(['delete', 'namespace', 'held', '--wait=false']);
  const ns = await waitFor('NamespaceContentRemaining condition', async () => {
    const n = await client.get<Namespace>(namespaces, undefined, 'held');
    return n.status?.conditions?.some((c) => c.type === 'NamespaceContentRemaining' && c.status === 'True') ? n : undefined;
  }, 15_000);
  assert.equal(ns.status?.phase, 'Terminating');
  const fin = ns.status?.conditions?.find((c) => c.type === 'NamespaceFinalizersRemaining');
  assert.equal(fin?.status, 'True');
  assert.match(fin?.message ?? '', /example.com\/hold in 1 resource instances/);
  assert.equal(await getCM('free', 'held'), undefined);
  await kubectl.ok(['patch', 'configmap', 'stuck', '-n', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
  await waitFor('namespace gone', async () => {
    try {
      await client.get(namespaces, undefined, 'held');
      return false;
    } catch (e) {
      return isNotFound(e);
    }
  }, 20_000);
});
