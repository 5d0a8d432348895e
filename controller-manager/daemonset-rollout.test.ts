import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSet, Node, Pod, Taint } from '../api/types/index.js';
import {
  daemonSetCounts, FailedPodsBackoff, managePlan, rollingUpdatePlan, surgeCount, unavailableCount, updatedPodsOnNode, type NodeToPods,
} from './daemonset-rollout.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const ago = (s: number): string => new Date(NOW - s * 1000).toISOString();

function node(name: string, taints: Taint[] = []): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: { taints } };
}

function ds(strategy: DaemonSet['spec']['updateStrategy'] = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, minReadySeconds = 0): DaemonSet {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd', namespace: 'ns', generation: 2 },
    spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c' }] } }, updateStrategy: strategy, minReadySeconds },
  };
}

interface PodOpts { hash?: string; phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed'; ready?: boolean; readySince?: number; created?: number; deleting?: boolean; bound?: boolean }

let seq = 0;
function pod(nodeName: string, o: PodOpts = {}): Pod {
  const name = `d-${++seq}`;
  const p: Pod = {
    metadata: { name, namespace: 'ns', labels: { app: 'd', 'controller-revision-hash': o.hash ?? 'new' }, creationTimestamp: ago(o.created ?? 100) },
    spec: { containers: [{ name: 'c' }], ...(o.bound === false ? {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] } } },
    } : { nodeName }) },
    status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: ago(o.readySince ?? 60) }] },
  };
  if (o.deleting) p.metadata.deletionTimestamp = ago(1);
  return p;
}

function byNode(...pods: Pod[]): NodeToPods {
  const m: NodeToPods = new Map();
  for (const p of pods) {
    const n = p.spec.nodeName ?? p.spec.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms[0].matchFields![0].values![0];
    m.set(n, [...(m.get(n) ?? []), p]);
  }
  return m;
}

const names = (ps: Pod[]): string[] => ps.map((p) => p.metadata.name!).sort();

test('manage: a node without a pod gets one; a node that may not run one loses it; extras keep the oldest', () => {
  const keep = pod('a', { created: 200 });
  const extra = pod('a', { created: 10 });
  const stray = pod('tainted');
  const plan = managePlan(ds(), [node('a'), node('b'), node('tainted', [{ key: 'x', effect: 'NoExecute' }])], byNode(keep, extra, stray), 'new', NOW, new FailedPodsBackoff(), 'ns/d');
  assert.deepEqual(plan.nodesNeedingPods, ['b']);
  assert.deepEqual(names(plan.podsToDelete), names([extra, stray]));
});

test('manage: a NoSchedule taint keeps the existing pod; a terminating pod blocks a new one until it is gone', () => {
  const stays = pod('a');
  const going = pod('b', { deleting: true });
  const plan = managePlan(ds(), [node('a', [{ key: 'x', effect: 'NoSchedule' }]), node('b')], byNode(stays, going), 'new', NOW, new FailedPodsBackoff(), 'ns/d');
  assert.deepEqual(plan.nodesNeedingPods, []);
  assert.deepEqual(plan.podsToDelete, []);
});

test('manage: failed pods are deleted with backoff per node, succeeded ones at once', () => {
  const backoff = new FailedPodsBackoff(1000, 60_000);
  const failed = pod('a', { phase: 'Failed' });
  const done = pod('b', { phase: 'Succeeded' });
  const p1 = managePlan(ds(), [node('a'), node('b')], byNode(failed, done), 'new', NOW, backoff, 'ns/d');
  assert.deepEqual(names(p1.podsToDelete), names([failed, done]));
  assert.deepEqual(p1.failedPods, [failed]);
  // the replacement fails again at once: wait 1 s before deleting it
  const again = pod('a', { phase: 'Failed' });
  const p2 = managePlan(ds(), [node('a')], byNode(again), 'new', NOW + 100, backoff, 'ns/d');
  assert.deepEqual(p2.podsToDelete, []);
  assert.equal(p2.requeueAfterMs, 900);
  const p3 = managePlan(ds(), [node('a')], byNode(again), 'new', NOW + 1000, backoff, 'ns/d');
  assert.deepEqual(p3.podsToDelete, [again]);
  // the next failure waits twice as long
  assert.equal(backoff.inBackoff('ns/d/a', NOW + 2000), 1000);
});

test('manage: unscheduled pods pinned to a node that is gone are deleted', () => {
  const orphan = pod('gone', { bound: false });
  const boundOrphan = pod('gone2');
  const plan = managePlan(ds(), [node('a')], byNode(orphan, boundOrphan), 'new', NOW, new FailedPodsBackoff(), 'ns/d');
  assert.deepEqual(plan.podsToDelete, [orphan], 'bound pods are left to pod GC');
  assert.deepEqual(plan.nodesNeedingPods, ['a']);
});

test('manage with surge: an old and a new pod may share a node until the new one is available', () => {
  const surge = ds({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
  const oldReady = pod('a', { hash: 'old', created: 100 });
  const newNotReady = pod('a', { hash: 'new', created: 5, ready: false });
  assert.deepEqual(managePlan(surge, [node('a')], byNode(oldReady, newNotReady), 'new', NOW, new FailedPodsBackoff(), 'k').podsToDelete, []);
  const newReady = pod('a', { hash: 'new', created: 5 });
  assert.deepEqual(managePlan(surge, [node('a')], byNode(oldReady, newReady), 'new', NOW, new FailedPodsBackoff(), 'k').podsToDelete, [oldReady]);
  const oldNotReady = pod('a', { hash: 'old', created: 100, ready: false });
  assert.deepEqual(managePlan(surge, [node('a')], byNode(oldNotReady, newNotReady), 'new', NOW, new FailedPodsBackoff(), 'k').podsToDelete, [oldNotReady]);
  const secondNew = pod('a', { hash: 'new', created: 1 });
  assert.deepEqual(managePlan(surge, [node('a')], byNode(oldReady, newNotReady, secondNew), 'new', NOW, new FailedPodsBackoff(), 'k').podsToDelete, [secondNew]);
});

test('maxSurge and maxUnavailable: ints, percentages rounded up, only for RollingUpdate', () => {
  assert.equal(unavailableCount(ds({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } }), 15), 2);
  assert.equal(surgeCount(ds({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%' } }), 3), 2);
  assert.equal(unavailableCount(ds({ type: 'RollingUpdate' }), 5), 1, 'default 1');
  assert.equal(surgeCount(ds({ type: 'RollingUpdate' }), 5), 0);
  assert.equal(unavailableCount(ds({ type: 'OnDelete' }), 5), 0);
});

test('rolling update without surge: at most maxUnavailable old available pods go at once, unavailable old pods always', () => {
  const nodes = ['a', 'b', 'c', 'd'].map((n) => node(n));
  const pods = ['a', 'b', 'c', 'd'].map((n) => pod(n, { hash: 'old' }));
  const step1 = rollingUpdatePlan(ds(), nodes, byNode(...pods), 'new', NOW);
  assert.deepEqual(step1, { podsToDelete: [pods[0]], nodesToCreate: [] });
  // a's pod deleted and its new pod not yet available: nothing more may go
  const newA = pod('a', { hash: 'new', ready: false });
  assert.deepEqual(rollingUpdatePlan(ds(), nodes, byNode(newA, pods[1], pods[2], pods[3]), 'new', NOW).podsToDelete, []);
  // the same when the unavailable node sorts after the candidates
  const newD = pod('d', { hash: 'new', ready: false });
  assert.deepEqual(rollingUpdatePlan(ds(), nodes, byNode(pods[0], pods[1], pods[2], newD), 'new', NOW).podsToDelete, []);
  // a node whose old pod is already broken is replaced regardless
  const brokenB = pod('b', { hash: 'old', ready: false });
  assert.deepEqual(rollingUpdatePlan(ds(), nodes, byNode(newA, brokenB, pods[2], pods[3]), 'new', NOW).podsToDelete, [brokenB]);
  // a node without any pod counts as unavailable
  assert.deepEqual(rollingUpdatePlan(ds(), nodes, byNode(pods[1], pods[2], pods[3]), 'new', NOW).podsToDelete, []);
  // 50% of 4 → 2 at a time
  const half = ds({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%' } });
  assert.equal(rollingUpdatePlan(half, nodes, byNode(...pods), 'new', NOW).podsToDelete.length, 2);
  // everything updated and available: nothing to do
  const done = ['a', 'b', 'c', 'd'].map((n) => pod(n));
  assert.deepEqual(rollingUpdatePlan(ds(), nodes, byNode(...done), 'new', NOW), { podsToDelete: [], nodesToCreate: [] });
});

test('rolling update honours minReadySeconds: a new pod ready too briefly still counts as unavailable', () => {
  const nodes = [node('a'), node('b')];
  const fresh = pod('a', { hash: 'new', readySince: 5 });
  const oldB = pod('b', { hash: 'old' });
  assert.deepEqual(rollingUpdatePlan(ds(undefined, 30), nodes, byNode(fresh, oldB), 'new', NOW).podsToDelete, []);
  assert.deepEqual(rollingUpdatePlan(ds(undefined, 3), nodes, byNode(fresh, oldB), 'new', NOW).podsToDelete, [oldB]);
});

test('rolling update with surge: new pods start beside old ones, old ones go once the new one is available', () => {
  const surge = ds({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
  const nodes = [node('a'), node('b'), node('c')];
  const olds = ['a', 'b', 'c'].map((n) => pod(n, { hash: 'old' }));
  assert.deepEqual(rollingUpdatePlan(surge, nodes, byNode(...olds), 'new', NOW), { podsToDelete: [], nodesToCreate: ['a'] });
  const newA = pod('a', { hash: 'new', ready: false });
  assert.deepEqual(rollingUpdatePlan(surge, nodes, byNode(olds[0], newA, olds[1], olds[2]), 'new', NOW), { podsToDelete: [], nodesToCreate: [] });
  const newAReady = pod('a', { hash: 'new' });
  assert.deepEqual(rollingUpdatePlan(surge, nodes, byNode(olds[0], newAReady, olds[1], olds[2]), 'new', NOW), { podsToDelete: [olds[0]], nodesToCreate: ['b'] });
  // an unavailable old pod gets its replacement at once, beyond maxSurge
  const brokenC = pod('c', { hash: 'old', ready: false });
  assert.deepEqual(rollingUpdatePlan(surge, nodes, byNode(olds[0], newA, olds[1], brokenC), 'new', NOW).nodesToCreate, ['c']);
});

test('rolling update with surge: a pod on a node it no longer fits goes only once enough others are available', () => {
  const surge = ds({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
  const nodes = [node('a'), node('b', [{ key: 'x', effect: 'NoSchedule' }])];
  const onA = pod('a', { hash: 'old' });
  const onB = pod('b', { hash: 'old' });
  // desired 1 (only a), available 2: one may go
  assert.deepEqual(rollingUpdatePlan(surge, nodes, byNode(onA, onB), 'new', NOW).podsToDelete, [onB]);
  const onANotReady = pod('a', { hash: 'old', ready: false });
  assert.deepEqual(rollingUpdatePlan(surge, nodes, byNode(onANotReady, onB), 'new', NOW).podsToDelete, []);
});

test('updatedPodsOnNode: more than one new or old pod is for the manage step', () => {
  assert.equal(updatedPodsOnNode([pod('a', { hash: 'x' }), pod('a', { hash: 'x' })], 'x').ok, false);
  const r = updatedPodsOnNode([pod('a', { hash: 'x' }), pod('a', { hash: 'y' }), pod('a', { hash: 'y', deleting: true })], 'x');
  assert.equal(r.ok, true);
  assert.ok(r.newPod && r.oldPod);
});

test('status counts: desired, current, misscheduled, ready, available, updated, unavailable', () => {
  const nodes = [node('a'), node('b'), node('c'), node('t', [{ key: 'x', effect: 'NoSchedule' }])];
  const counts = daemonSetCounts(ds(undefined, 30), nodes, byNode(
    pod('a', { readySince: 60 }),
    pod('b', { hash: 'old', readySince: 5 }),
    pod('t'),
  ), 'new', NOW);
  assert.deepEqual(counts, {
    desiredNumberScheduled: 3,
    currentNumberScheduled: 2,
    numberMisscheduled: 1,
    numberReady: 2,
    numberAvailable: 1,
    updatedNumberScheduled: 1,
    numberUnavailable: 2,
  });
});

test('status judges a node by its oldest scheduled pod', () => {
  const counts = daemonSetCounts(ds(), [node('a')], byNode(pod('a', { hash: 'old', created: 100 }), pod('a', { hash: 'new', created: 1, ready: false })), 'new', NOW);
  assert.equal(counts.numberReady, 1);
  assert.equal(counts.updatedNumberScheduled, 0);
});
