// Issue "Scheduler": a real apiserver and `kubelite scheduler`, with Node objects
// created by the test (no kubelet is needed to schedule). Each scenario uses its
// own group of nodes, selected by a label, so scenarios don't disturb each other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApiserver, startProcess, Kubectl, removeDir, waitFor, sleep, type Apiserver, type Proc } from './harness.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { findResource } from '../../api/resources.js';
import type { Node, Pod, Taint, Toleration, Event } from '../../api/types/index.js';
import type { KubeList } from '../../api/meta.js';

const nodesInfo = findResource('', 'v1', 'nodes')!;
const podsInfo = findResource('', 'v1', 'pods')!;
const eventsInfo = findResource('', 'v1', 'events')!;

let api: Apiserver;
let scheduler: Proc;
let kubectl: Kubectl;
let client: RestClient;

function node(name: string, o: { cpu?: string; group: string; taints?: Taint[]; unschedulable?: boolean }): Node {
  const allocatable = { cpu: o.cpu ?? '2', memory: '4Gi', pods: '110' };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'test-group': o.group } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: {
      capacity: allocatable, allocatable,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'test node', lastHeartbeatTime: new Date().toISOString(), lastTransitionTime: new Date().toISOString() }],
    },
  };
}

function pod(name: string, o: { cpu?: string; selector?: Record<string, string>; tolerations?: Toleration[]; labels?: Record<string, string>; hostPort?: number }): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', labels: o.labels ?? { app: name } },
    spec: {
      nodeSelector: o.selector,
      tolerations: o.tolerations,
      containers: [{
        name: 'c', image: 'busybox',
        resources: o.cpu ? { requests: { cpu: o.cpu } } : undefined,
        ports: o.hostPort ? [{ containerPort: o.hostPort, hostPort: o.hostPort }] : undefined,
      }],
    },
  };
}

async function createNodes(...nodes: Node[]): Promise<void> {
  for (const n of nodes) await client.create(nodesInfo, undefined, n);
}

async function nodeOf(name: string, timeoutMs = 15_000): Promise<string> {
  return waitFor(`pod ${name} to be bound`, async () => {
    const p = await client.get<Pod>(podsInfo, 'default', name);
    return p.spec.nodeName || undefined;
  }, timeoutMs);
}

async function failedSchedulingMessage(name: string): Promise<string> {
  return waitFor(`FailedScheduling event for ${name}`, async () => {
    const list = await client.list<Event>(eventsInfo, 'default', { fieldSelector: `involvedObject.name=${name},reason=FailedScheduling` });
    return list.items[0]?.message;
  });
}

before(async () => {
  api = await startApiserver();
  client = new RestClient(loadKubeconfig({ path: api.kubeconfig }));
  kubectl = await Kubectl.create(api.kubeconfig);
  scheduler = startProcess(['scheduler', '--kubeconfig', api.kubeconfig], join(api.dataDir, 'scheduler.log'));
});

after(async () => {
  await scheduler?.kill();
  await api?.stop();
  client?.close();
  await kubectl?.cleanup();
  if (api && !process.env.KEEP_E2E) await removeDir(api.dataDir);
});

// First, while the cluster has exactly two nodes, so the message counts are exact.
test('a pod too big for every node stays Pending with FailedScheduling, and schedules once a node with room appears', async () => {
  await createNodes(node('small-1', { group: 'small' }), node('small-2', { group: 'small' }));
  await client.create(podsInfo, 'default', pod('big', { cpu: '3' }));
  const msg = await failedSchedulingMessage('big');
  assert.equal(msg, '0/2 nodes are available: 2 Insufficient cpu.');
  const described = await kubectl.ok(['describe', 'pod', 'big']);
  assert.match(described, /Status:\s+Pending/);
  assert.match(described, /FailedScheduling\s+.*0\/2 nodes are available: 2 Insufficient cpu\./);
  const p = await client.get<Pod>(podsInfo, 'default', 'big');
  const cond = p.status?.conditions?.find((c) => c.type === 'PodScheduled');
  assert.equal(cond?.status, 'False');
  assert.equal(cond?.reason, 'Unschedulable');
  assert.equal(cond?.message, '0/2 nodes are available: 2 Insufficient cpu.');
  assert.equal(p.spec.nodeName, undefined);

  // A new node is a cluster change: the pod is retried at once (after its backoff).
  await createNodes(node('large-1', { group: 'large', cpu: '8' }));
  assert.equal(await nodeOf('big'), 'large-1');
  const scheduled = await waitFor('Scheduled event', async () => {
    const list = await client.list<Event>(eventsInfo, 'default', { fieldSelector: 'involvedObject.name=big,reason=Scheduled' });
    return list.items[0];
  });
  assert.equal(scheduled.message, 'Successfully assigned default/big to large-1');
  assert.equal(scheduled.type, 'Normal');
  const bound = await client.get<Pod>(podsInfo, 'default', 'big');
  assert.equal(bound.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');
  // as in Kubernetes, the binding leaves managedFields alone: the scheduler's entry is the
  // one from its status write (PodScheduled=False), none comes from the binding
  const entries = (bound.metadata.managedFields ?? []).map((e) => `${e.manager}/${e.operation}/${e.subresource ?? ''}`);
  assert.deepEqual(entries.filter((e) => e.endsWith('/binding')), []);
  assert.ok(entries.includes('kubelite-scheduler/Update/status'), entries.join(', '));
});

test('replicas spread evenly over equal nodes', async () => {
  await createNodes(...['spread-1', 'spread-2', 'spread-3'].map((n) => node(n, { group: 'spread' })));
  const names = Array.from({ length: 6 }, (_, i) => `spread-pod-${i}`);
  for (const n of names) {
    await client.create(podsInfo, 'default', pod(n, { cpu: '100m', selector: { 'test-group': 'spread' }, labels: { app: 'spread' } }));
  }
  const counts = new Map<string, number>();
  for (const n of names) {
    const where = await nodeOf(n);
    counts.set(where, (counts.get(where) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort(), ['spread-1', 'spread-2', 'spread-3']);
  assert.deepEqual([...counts.values()], [2, 2, 2]);
});

test('nodeSelector: pods land only on matching nodes; no match stays Pending', async () => {
  await createNodes(node('sel-1', { group: 'sel' }), node('sel-2', { group: 'sel' }));
  await client.create(podsInfo, 'default', pod('pinned', { selector: { 'kubernetes.io/hostname': 'sel-2' } }));
  assert.equal(await nodeOf('pinned'), 'sel-2');
  await client.create(podsInfo, 'default', pod('nowhere', { selector: { disk: 'ssd' } }));
  const msg = await failedSchedulingMessage('nowhere');
  assert.match(msg, /^0\/\d+ nodes are available: \d+ node\(s\) didn't match Pod's node affinity\/selector\.$/);
});

test('taints keep pods without a toleration away; a toleration lets them in', async () => {
  const gpu: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  await createNodes(node('taint-1', { group: 'taint', taints: [gpu] }), node('taint-2', { group: 'taint' }));
  for (let i = 0; i < 4; i++) await client.create(podsInfo, 'default', pod(`plain-${i}`, { selector: { 'test-group': 'taint' } }));
  for (let i = 0; i < 4; i++) assert.equal(await nodeOf(`plain-${i}`), 'taint-2');

  await client.create(podsInfo, 'default', pod('intolerant', { selector: { 'kubernetes.io/hostname': 'taint-1' } }));
  const msg = await failedSchedulingMessage('intolerant');
  assert.match(msg, /1 node\(s\) had untolerated taint \{dedicated: gpu\}/);

  await client.create(podsInfo, 'default', pod('tolerant', {
    selector: { 'kubernetes.io/hostname': 'taint-1' },
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
  }));
  assert.equal(await nodeOf('tolerant'), 'taint-1');
});

test('a cordoned node gets nothing, and its pending pods schedule after uncordon', async () => {
  await createNodes(node('cordon-1', { group: 'cordon' }), node('cordon-2', { group: 'cordon' }));
  await kubectl.ok(['cordon', 'cordon-1']);
  for (let i = 0; i < 4; i++) await client.create(podsInfo, 'default', pod(`c-${i}`, { selector: { 'test-group': 'cordon' } }));
  for (let i = 0; i < 4; i++) assert.equal(await nodeOf(`c-${i}`), 'cordon-2');
  await client.create(podsInfo, 'default', pod('wants-cordoned', { selector: { 'kubernetes.io/hostname': 'cordon-1' } }));
  assert.match(await failedSchedulingMessage('wants-cordoned'), /1 node\(s\) were unschedulable/);
  await kubectl.ok(['uncordon', 'cordon-1']);
  assert.equal(await nodeOf('wants-cordoned'), 'cordon-1');
});

test('host ports: a second pod with the same hostPort does not fit on the same node', async () => {
  await createNodes(node('port-1', { group: 'port' }));
  await client.create(podsInfo, 'default', pod('port-a', { selector: { 'test-group': 'port' }, hostPort: 8080 }));
  assert.equal(await nodeOf('port-a'), 'port-1');
  await client.create(podsInfo, 'default', pod('port-b', { selector: { 'test-group': 'port' }, hostPort: 8080 }));
  assert.match(await failedSchedulingMessage('port-b'), /1 node\(s\) didn't have free ports for the requested pod ports/);
  // Deleting the first frees the port: the waiting pod is retried.
  await client.delete(podsInfo, 'default', 'port-a', { gracePeriodSeconds: 0 });
  assert.equal(await nodeOf('port-b'), 'port-1');
});

test('pods for another scheduler are left alone', async () => {
  const p = pod('other-sched', {});
  p.spec.schedulerName = 'someone-else';
  await client.create(podsInfo, 'default', p);
  await sleep(1500);
  const got = await client.get<Pod>(podsInfo, 'default', 'other-sched');
  assert.equal(got.spec.nodeName, undefined);
  const events = await client.list<Event>(eventsInfo, 'default', { fieldSelector: 'involvedObject.name=other-sched' });
  assert.equal(events.items.length, 0);
});

test('no pod was bound twice and the scheduler logged no binding conflicts', async () => {
  const list = await client.list<Pod>(podsInfo, 'default') as KubeList<Pod>;
  const scheduled = await client.list<Event>(eventsInfo, 'default', { fieldSelector: 'reason=Scheduled' });
  const perPod = new Map<string, number>();
  for (const e of scheduled.items) perPod.set(e.involvedObject.name ?? '', (perPod.get(e.involvedObject.name ?? '') ?? 0) + (e.count ?? 1));
  for (const p of list.items) if (p.spec.nodeName) assert.ok((perPod.get(p.metadata.name!) ?? 0) <= 1, p.metadata.name);
  assert.equal(scheduler.child.exitCode, null, 'scheduler still running');
});
