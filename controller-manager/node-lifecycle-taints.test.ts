import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Taint } from '../api/types/index.js';
import { reconcileTaints, TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE, wantedTaints } from './node-lifecycle-taints.js';

const NOW = '2024-01-01T00:00:00Z';
const LATER = '2024-01-01T00:05:00Z';

test('taint choice follows Ready: False → not-ready, Unknown → unreachable, True/none → neither', () => {
  assert.deepEqual(wantedTaints('False', false), [
    { key: TAINT_NOT_READY, effect: 'NoSchedule' }, { key: TAINT_NOT_READY, effect: 'NoExecute' }]);
  assert.deepEqual(wantedTaints('Unknown', false), [
    { key: TAINT_UNREACHABLE, effect: 'NoSchedule' }, { key: TAINT_UNREACHABLE, effect: 'NoExecute' }]);
  assert.deepEqual(wantedTaints('True', false), []);
  assert.deepEqual(wantedTaints(undefined, false), []);
  assert.deepEqual(wantedTaints('True', true), [{ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' }]);
});

test('unreachable node gets the NoExecute taint with timeAdded; user taints are kept', () => {
  const user: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  const out = reconcileTaints([user], 'Unknown', false, NOW)!;
  assert.deepEqual(out, [
    user,
    { key: TAINT_UNREACHABLE, effect: 'NoSchedule' },
    { key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: NOW },
  ]);
  // level-triggered: a second pass changes nothing and keeps timeAdded
  assert.equal(reconcileTaints(out, 'Unknown', false, LATER), undefined);
});

test('Unknown → False swaps unreachable for not-ready with a fresh timeAdded', () => {
  const unreachable = reconcileTaints(undefined, 'Unknown', false, NOW)!;
  const notReady = reconcileTaints(unreachable, 'False', false, LATER)!;
  assert.deepEqual(notReady, [
    { key: TAINT_NOT_READY, effect: 'NoSchedule' },
    { key: TAINT_NOT_READY, effect: 'NoExecute', timeAdded: LATER },
  ]);
});

test('a Ready node loses the controller taints, nothing else', () => {
  const user: Taint = { key: 'x', effect: 'NoExecute', timeAdded: NOW };
  const tainted = reconcileTaints([user], 'False', true, NOW)!;
  assert.equal(tainted.length, 4);
  assert.deepEqual(reconcileTaints(tainted, 'True', false, LATER), [user]);
  assert.equal(reconcileTaints([user], 'True', false, LATER), undefined);
  assert.equal(reconcileTaints(undefined, 'True', false, LATER), undefined);
});
