import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNodeInfo, makePodInfo } from '../test-fixtures.js';
import { nodeReadyFilter, NOT_READY_REASON } from './node-ready.js';

test('only Ready nodes fit', () => {
  const f = nodeReadyFilter.prepare(makePodInfo('p'))!;
  assert.equal(f(makeNodeInfo('n', { ready: 'True' })), undefined);
  assert.deepEqual(f(makeNodeInfo('n', { ready: 'False' })), [NOT_READY_REASON]);
  assert.deepEqual(f(makeNodeInfo('n', { ready: 'Unknown' })), [NOT_READY_REASON]);
  assert.deepEqual(f(makeNodeInfo('n', { ready: 'missing' })), [NOT_READY_REASON]);
});

test('pods tolerating the not-ready/unreachable taints may use such nodes', () => {
  const f = nodeReadyFilter.prepare(makePodInfo('p', { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }] }))!;
  assert.equal(f(makeNodeInfo('n', { ready: 'False' })), undefined);
  assert.deepEqual(f(makeNodeInfo('n', { ready: 'Unknown' })), [NOT_READY_REASON]);
  const all = nodeReadyFilter.prepare(makePodInfo('p', { tolerations: [{ operator: 'Exists' }] }))!;
  assert.equal(all(makeNodeInfo('n', { ready: 'Unknown' })), undefined);
});
