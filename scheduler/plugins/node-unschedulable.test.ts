import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNodeInfo, makePodInfo } from '../test-fixtures.js';
import { nodeUnschedulableFilter, UNSCHEDULABLE_REASON } from './node-unschedulable.js';

test('cordoned nodes take no pods unless the pod tolerates the unschedulable taint', () => {
  const cordoned = makeNodeInfo('n', { unschedulable: true });
  assert.deepEqual(nodeUnschedulableFilter.prepare(makePodInfo('p'))!(cordoned), [UNSCHEDULABLE_REASON]);
  assert.equal(nodeUnschedulableFilter.prepare(makePodInfo('p'))!(makeNodeInfo('m')), undefined);
  const tol = makePodInfo('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
  assert.equal(nodeUnschedulableFilter.prepare(tol)!(cordoned), undefined);
});
