import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNodeInfo, makePodInfo } from '../test-fixtures.js';
import { balancedAllocationScore, balancedAllocationScorePlugin } from './balanced-allocation.js';

test('equal cpu and memory shares score 100; lopsided ones less', () => {
  const node = makeNodeInfo('n', { cpu: '4', memory: '4Gi' });
  assert.equal(balancedAllocationScore(makePodInfo('p', { cpu: '2', memory: '2Gi' }), node), 100);
  // cpu 100%, memory 0% → std 0.5 → 50
  assert.equal(balancedAllocationScore(makePodInfo('p', { cpu: '4' }), node), 50);
});

test('prefers the node the pod balances out', () => {
  const cpuHeavy = makeNodeInfo('a', { cpu: '4', memory: '4Gi' });
  cpuHeavy.addPod(makePodInfo('x', { cpu: '3' }));
  const memHeavy = makeNodeInfo('b', { cpu: '4', memory: '4Gi' });
  memHeavy.addPod(makePodInfo('y', { memory: '3Gi' }));
  const pod = makePodInfo('p', { memory: '1Gi' });
  assert.ok(balancedAllocationScore(pod, cpuHeavy) > balancedAllocationScore(pod, memHeavy));
  assert.equal(balancedAllocationScorePlugin.prepare(makePodInfo('none')), undefined);
});
