import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitErrorMessage, NO_NODES_MESSAGE, scheduledMessage, unschedulableConditionPatch } from './events.js';
import { makePod } from './test-fixtures.js';

test('FailedScheduling reads like Kubernetes: counts, reasons sorted, final period', () => {
  const reasons = new Map([
    ['Insufficient cpu', 2],
    ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }', 1],
  ]);
  assert.equal(
    fitErrorMessage({ numAllNodes: 3, reasons }),
    '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.',
  );
  assert.equal(fitErrorMessage({ numAllNodes: 2, reasons: new Map([['Insufficient cpu', 2]]) }), '0/2 nodes are available: 2 Insufficient cpu.');
  assert.equal(fitErrorMessage({ numAllNodes: 0, reasons: new Map() }), NO_NODES_MESSAGE);
});

test('Scheduled message', () => {
  assert.equal(scheduledMessage('default', 'web-x', 'node-1'), 'Successfully assigned default/web-x to node-1');
});

test('the PodScheduled patch keeps other conditions and is skipped when nothing changes', () => {
  const pod = makePod('p');
  pod.status = { conditions: [{ type: 'Other', status: 'True' }] };
  const patch = unschedulableConditionPatch(pod, 'Unschedulable', 'msg', Date.parse('2026-01-01T00:00:00Z'))!;
  assert.deepEqual(patch.status.conditions, [
    { type: 'Other', status: 'True' },
    { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'Unschedulable', message: 'msg' },
  ]);
  pod.status = patch.status;
  assert.equal(unschedulableConditionPatch(pod, 'Unschedulable', 'msg'), undefined);
  const changed = unschedulableConditionPatch(pod, 'Unschedulable', 'other msg')!;
  // Still False: the transition time stays.
  assert.equal(changed.status.conditions[1].lastTransitionTime, '2026-01-01T00:00:00Z');
});
