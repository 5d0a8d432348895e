import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNodeInfo, makePodInfo } from '../test-fixtures.js';
import { NODE_NAME_REASON, nodeNameFilter } from './node-name.js';

test('a pod naming a node fits only that node; others have nothing to check', () => {
  assert.equal(nodeNameFilter.prepare(makePodInfo('p')), undefined);
  const f = nodeNameFilter.prepare(makePodInfo('p', { nodeName: 'n1' }))!;
  assert.equal(f(makeNodeInfo('n1')), undefined);
  assert.deepEqual(f(makeNodeInfo('n2')), [NODE_NAME_REASON]);
});
