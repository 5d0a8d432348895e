import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findFeasibleNodes, numFeasibleNodesToFind, schedulePod, selectHost } from './framework.js';
import { defaultProfile } from './plugins/index.js';
import { makeNodeInfo, makePodInfo } from './test-fixtures.js';

test('small clusters evaluate every node; large ones a shrinking share, at least 100', () => {
  assert.equal(numFeasibleNodesToFind(5), 5);
  assert.equal(numFeasibleNodesToFind(99), 99);
  assert.equal(numFeasibleNodesToFind(200), 100); // 45.5% of 200 = 91 → at least 100
  assert.equal(numFeasibleNodesToFind(500), 161); // 32.2%
  assert.equal(numFeasibleNodesToFind(1000), 100);
  assert.equal(numFeasibleNodesToFind(5000), 500);
  assert.equal(numFeasibleNodesToFind(1000, 50), 500);
  assert.equal(numFeasibleNodesToFind(1000, 100), 1000);
});

test('filtering stops after enough feasible nodes and reports where it stopped', () => {
  const nodes = Array.from({ length: 300 }, (_, i) => makeNodeInfo(`n${i}`));
  const r = findFeasibleNodes(makePodInfo('p'), nodes, 250, 100, defaultProfile());
  assert.equal(r.feasible.length, 100);
  assert.equal(r.processed, 100);
  assert.equal(r.feasible[0].name, 'n250');
  assert.equal(r.feasible[50].name, 'n0'); // wrapped around
});

test('a pod that fits nowhere gets the reasons of every node', () => {
  const nodes = [
    makeNodeInfo('a', { cpu: '1' }),
    makeNodeInfo('b', { cpu: '1' }),
    makeNodeInfo('c', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }),
    makeNodeInfo('d', { unschedulable: true }),
  ];
  const r = schedulePod(makePodInfo('p', { cpu: '2' }), nodes, defaultProfile(), { start: 0 });
  assert.equal(r.node, undefined);
  assert.ok(!r.node);
  assert.equal(r.diagnosis.numAllNodes, 4);
  assert.deepEqual(Object.fromEntries(r.diagnosis.reasons), {
    'Insufficient cpu': 2,
    'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }': 1,
    'node(s) were unschedulable': 1,
  });
});

test('the emptiest node wins, and replicas spread out', () => {
  const nodes = [makeNodeInfo('a'), makeNodeInfo('b'), makeNodeInfo('c')];
  nodes[0].addPod(makePodInfo('x', { cpu: '2' }));
  const r = schedulePod(makePodInfo('p', { cpu: '100m' }), nodes, defaultProfile(), { start: 0 });
  assert.ok(r.node && r.node.name !== 'a');
  // Three replicas of one owner on three empty nodes land on three different nodes.
  const empty = [makeNodeInfo('a'), makeNodeInfo('b'), makeNodeInfo('c')];
  const used = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const pod = makePodInfo(`w${i}`, { owner: 'web', cpu: '100m' });
    const res = schedulePod(pod, empty, defaultProfile(), { start: i });
    assert.ok(res.node);
    res.node.addPod(pod);
    used.add(res.node.name);
  }
  assert.equal(used.size, 3);
});

test('ties are broken at random among the best nodes only', () => {
  const scores = new Float64Array([5, 9, 9, 1, 9]);
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) seen.add(selectHost(scores));
  assert.deepEqual([...seen].sort(), [1, 2, 4]);
  assert.equal(selectHost(new Float64Array([])), -1);
});
