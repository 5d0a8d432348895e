// Controller manager, node lifecycle: a node whose Lease stops being renewed
// turns Ready=Unknown, gets the unreachable NoExecute taint, and its pods are
// marked not ready and evicted per their tolerationSeconds (then force-deleted
// by pod GC, since no kubelet will confirm). A node that comes back loses the
// taint. Nodes and kubelet heartbeats are played by the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApiserver, startProcess, Kubectl, removeDir, sleep, waitFor, type Apiserver, type Proc } from './harness.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { formatMicroTime } from '../../client/leader-election.js';
import { RestClient } from '../../client/rest.js';
import { isConflict, isNotFound } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import type { Event, Lease, Node, NodeCondition, Pod } from '../../api/types/index.js';

const nodes = findResource('', 'v1', 'nodes')!;
const pods = findResource('', 'v1', 'pods')!;
const leases = findResource('coordination.k8s.io', 'v1', 'leases')!;
const events = findResource('', 'v1', 'events')!;

const GRACE_MS = 3_000;
let api: Apiserver;
let kubectl: Kubectl;
let client: RestClient;
let cm: Proc;
const heartbeats = new Map<string, NodeJS.Timeout>();

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function conditions(ready: 'True' | 'False', at: number): NodeCondition[] {
  const t = rfc3339(at);
  return [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'ok', lastHeartbeatTime: t, lastTransitionTime: t },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'ok', lastHeartbeatTime: t, lastTransitionTime: t },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'ok', lastHeartbeatTime: t, lastTransitionTime: t },
    { type: 'Ready', status: ready, reason: ready === 'True' ? 'KubeletReady' : 'KubeletNotReady', message: 'test kubelet', lastHeartbeatTime: t, lastTransitionTime: t },
  ];
}

/** Registers a node the way a kubelet does: the Node with status, and its Lease. */
async function registerNode(name: string, renewedAt: number): Promise<void> {
  await client.create<Node>(nodes, undefined, {
    apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {}, status: { conditions: conditions('True', renewedAt) },
  });
  await client.create<Lease>(leases, 'kube-node-lease', {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' },
    spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: formatMicroTime(renewedAt) },
  });
}

async function renewLease(name: string): Promise<void> {
  const l = await client.get<Lease>(leases, 'kube-node-lease', name);
  await client.update<Lease>(leases, 'kube-node-lease', { ...l, spec: { ...l.spec, renewTime: formatMicroTime(Date.now()) } });
}

/** A pretend kubelet: renews the lease every 500 ms. */
function startHeartbeat(name: string): void {
  const beat = (): void => {
    renewLease(name).catch(() => undefined).finally(() => {
      if (heartbeats.has(name)) heartbeats.set(name, setTimeout(beat, 500));
    });
  };
  heartbeats.set(name, setTimeout(beat, 0));
}

function stopHeartbeat(name: string): void {
  clearTimeout(heartbeats.get(name));
  heartbeats.delete(name);
}

async function createBoundPod(name: string, nodeName: string, tolerations: unknown[]): Promise<Pod> {
  const pod = await client.create<Pod>(pods, 'default', {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
    spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }], tolerations } as Pod['spec'],
  });
  // What the kubelet would report for a running pod.
  const now = rfc3339(Date.now());
  return client.updateStatus<Pod>(pods, 'default', {
    ...pod,
    status: { ...pod.status, phase: 'Running', conditions: [
      { type: 'Ready', status: 'True', lastTransitionTime: now },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
    ] },
  });
}

async function getPod(name: string): Promise<Pod | undefined> {
  try {
    return await client.get<Pod>(pods, 'default', name);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

function readyOf(n: Node): NodeCondition | undefined {
  return n.status?.conditions?.find((c) => c.type === 'Ready');
}

before(async () => {
  api = await startApiserver();
  kubectl = await Kubectl.create(api.kubeconfig);
  client = new RestClient(loadKubeconfig({ path: api.kubeconfig }));
  cm = startProcess(['controller-manager', '--kubeconfig', api.kubeconfig, '--node-monitor-grace-period', `${GRACE_MS / 1000}s`,
    '--node-monitor-period', '500ms', '--controllers', 'nodelifecycle,taint-eviction-controller,podgc,nodeipam', '--v', 'debug'],
  join(api.dataDir, 'controller-manager.log'));
});

after(async () => {
  for (const name of [...heartbeats.keys()]) stopHeartbeat(name);
  await cm?.kill();
  client?.close();
  await api?.stop();
  await kubectl?.cleanup();
  if (api) await removeDir(api.dataDir);
});

test('a stale node turns Unknown, gets the unreachable taint, and its pods are evicted per tolerationSeconds', async () => {
  await registerNode('healthy', Date.now());
  startHeartbeat('healthy');
  // Registered with heartbeats that are already a minute old, and never renewed.
  await registerNode('stale', Date.now() - 60_000);
  const unreachable = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' };
  await createBoundPod('tolerates-2s', 'stale', [{ ...unreachable, tolerationSeconds: 2 }]);
  await createBoundPod('tolerates-forever', 'stale', [unreachable]);
  await createBoundPod('default-toleration', 'stale', []);
  await createBoundPod('on-healthy', 'healthy', [{ ...unreachable, tolerationSeconds: 2 }]);
  const started = Date.now();

  const unknown = await waitFor('stale node Ready=Unknown', async () => {
    const n = await client.get<Node>(nodes, undefined, 'stale');
    return readyOf(n)?.status === 'Unknown' ? n : undefined;
  }, 20_000, 100);
  const elapsed = Date.now() - started;
  // Not before the grace period (the controller counts it from when it first saw the
  // node, a little before `started`), and not much after: ≈4.2 s is typical here; the
  // upper slack covers a controller-manager starved of CPU on a loaded machine.
  assert.ok(elapsed >= GRACE_MS - 1_500, `noticed after ${elapsed} ms, before the ${GRACE_MS} ms grace period was over`);
  assert.ok(elapsed < GRACE_MS + 7_000, `took ${elapsed} ms to notice a node silent for longer than the ${GRACE_MS} ms grace period`);
  const ready = readyOf(unknown)!;
  assert.equal(ready.reason, 'NodeStatusUnknown');
  assert.equal(ready.message, 'Kubelet stopped posting node status.');
  for (const t of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) {
    assert.equal(unknown.status?.conditions?.find((c) => c.type === t)?.status, 'Unknown', t);
  }

  const tainted = await waitFor('unreachable NoExecute taint', async () => {
    const n = await client.get<Node>(nodes, undefined, 'stale');
    return n.spec?.taints?.find((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') ? n : undefined;
  }, 10_000, 100);
  const taint = tainted.spec!.taints!.find((t) => t.effect === 'NoExecute')!;
  assert.ok(taint.timeAdded, 'taint has timeAdded');
  assert.ok(tainted.spec!.taints!.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoSchedule'));
  const out = await kubectl.ok(['describe', 'node', 'stale']);
  assert.match(out, /node.kubernetes.io\/unreachable:NoExecute/);

  // Evicted ~2 s after the taint was added (timeAdded has second precision).
  const evictedAt = await waitFor('tolerates-2s marked for deletion', async () => {
    const p = await getPod('tolerates-2s');
    return !p || p.metadata.deletionTimestamp ? Date.now() : undefined;
  }, 15_000, 100);
  const sinceTaint = evictedAt - Date.parse(taint.timeAdded!);
  assert.ok(sinceTaint >= 1_000 && sinceTaint < 5_000, `evicted ${sinceTaint} ms after the taint`);
  // No kubelet confirms, so pod GC force-deletes it.
  await waitFor('tolerates-2s gone', async () => (await getPod('tolerates-2s')) === undefined, 20_000);
  const ev = await waitFor('TaintManagerEviction event', async () => {
    const list = await client.list<Event>(events, 'default');
    return list.items.find((e) => e.reason === 'TaintManagerEviction' && e.involvedObject?.name === 'tolerates-2s');
  }, 10_000);
  assert.equal(ev.message, 'Marking for deletion Pod default/tolerates-2s');

  // The others stay (tolerating forever, or for the default 300 s) but are no longer Ready.
  for (const name of ['tolerates-forever', 'default-toleration']) {
    const p = await waitFor(`${name} Ready=False`, async () => {
      const pod = await getPod(name);
      return pod?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False' ? pod : undefined;
    }, 10_000);
    assert.equal(p.metadata.deletionTimestamp, undefined, `${name} must not be evicted`);
  }
  const defaulted = await getPod('default-toleration');
  assert.ok(defaulted?.spec.tolerations?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.tolerationSeconds === 300));

  // The healthy node was never touched.
  const healthy = await client.get<Node>(nodes, undefined, 'healthy');
  assert.equal(readyOf(healthy)?.status, 'True');
  assert.equal(healthy.spec?.taints, undefined);
  const onHealthy = await getPod('on-healthy');
  assert.equal(onHealthy?.metadata.deletionTimestamp, undefined);
  assert.equal(onHealthy?.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
});

test('a node that comes back Ready loses the taint', async () => {
  startHeartbeat('stale');
  // Like a kubelet: the controller may write the node meanwhile, so retry on a conflict.
  await waitFor('Ready=True posted', async () => {
    const n = await client.get<Node>(nodes, undefined, 'stale');
    try {
      return await client.updateStatus<Node>(nodes, undefined, { ...n, status: { ...n.status, conditions: conditions('True', Date.now()) } });
    } catch (e) {
      if (isConflict(e)) return undefined;
      throw e;
    }
  }, 10_000, 100);
  await waitFor('taints removed', async () => {
    const cur = await client.get<Node>(nodes, undefined, 'stale');
    return !(cur.spec?.taints ?? []).some((t) => t.key.startsWith('node.kubernetes.io/')) && readyOf(cur)?.status === 'True';
  }, 10_000);
  // and it stays that way while the lease is renewed
  await sleep(GRACE_MS + 1_000);
  const cur = await client.get<Node>(nodes, undefined, 'stale');
  assert.equal(readyOf(cur)?.status, 'True');
  assert.deepEqual(cur.spec?.taints ?? [], []);
});

test('a node reporting Ready=False gets not-ready instead; untolerated NoExecute taints evict at once', async () => {
  const n = await client.get<Node>(nodes, undefined, 'healthy');
  await createBoundPod('no-toleration', 'healthy', []);
  await client.updateStatus<Node>(nodes, undefined, { ...n, status: { ...n.status, conditions: conditions('False', Date.now()) } });
  const tainted = await waitFor('not-ready taint', async () => {
    const cur = await client.get<Node>(nodes, undefined, 'healthy');
    return cur.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/not-ready' && t.effect === 'NoExecute') ? cur : undefined;
  }, 10_000);
  assert.ok(!tainted.spec!.taints!.some((t) => t.key === 'node.kubernetes.io/unreachable'));
  // A user taint the pods do not tolerate: immediate eviction.
  const withUser = { ...tainted, spec: { ...tainted.spec, taints: [...tainted.spec!.taints!, { key: 'maintenance', effect: 'NoExecute' as const }] } };
  await client.update<Node>(nodes, undefined, withUser);
  await waitFor('no-toleration marked for deletion', async () => {
    const p = await getPod('no-toleration');
    return !p || !!p.metadata.deletionTimestamp;
  }, 5_000, 100);
});

test('pods bound to a node that does not exist are force-deleted', async () => {
  await createBoundPod('orphan', 'ghost-node', []);
  await waitFor('orphan pod gone', async () => (await getPod('orphan')) === undefined, 20_000);
});
