import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideOrphanPod, decideTerminatingPod, ORPHAN_QUARANTINE_MS, TERMINATING_ON_UNREACHABLE_NODE_MS } from './node-lifecycle-pod-gc-decide.js';

const DEADLINE = Date.parse('2024-01-01T00:00:30Z'); // deleted at 00:00:00 with 30 s grace

test('pods that are not terminating, or on Ready nodes, are left to their kubelet', () => {
  assert.deepEqual(decideTerminatingPod({ deletionTimestamp: undefined, deletionGracePeriodSeconds: undefined, nodeReady: 'Unknown', nowMs: DEADLINE }), { action: 'none' });
  assert.deepEqual(decideTerminatingPod({ deletionTimestamp: '2024-01-01T00:00:30Z', deletionGracePeriodSeconds: 30, nodeReady: 'True', nowMs: DEADLINE + 60_000 }), { action: 'none' });
  assert.deepEqual(decideTerminatingPod({ deletionTimestamp: '2024-01-01T00:00:30Z', deletionGracePeriodSeconds: 30, nodeReady: undefined, nowMs: DEADLINE + 60_000 }), { action: 'none' });
});

test('terminating on an unreachable node: force-deleted a few seconds after deletion began', () => {
  const started = DEADLINE - 30_000;
  const base = { deletionTimestamp: '2024-01-01T00:00:30Z', deletionGracePeriodSeconds: 30, nodeReady: 'Unknown' as const };
  assert.deepEqual(decideTerminatingPod({ ...base, nowMs: started + 1000 }), { action: 'recheck', afterMs: TERMINATING_ON_UNREACHABLE_NODE_MS - 1000 });
  assert.deepEqual(decideTerminatingPod({ ...base, nowMs: started + TERMINATING_ON_UNREACHABLE_NODE_MS }), { action: 'forceDelete' });
  // a grace period shorter than the wait: at its end
  assert.deepEqual(decideTerminatingPod({ deletionTimestamp: '2024-01-01T00:00:30Z', deletionGracePeriodSeconds: 1, nodeReady: 'Unknown', nowMs: DEADLINE }), { action: 'forceDelete' });
});

test('terminating on a NotReady node: force-deleted when the grace period is over', () => {
  const base = { deletionTimestamp: '2024-01-01T00:00:30Z', deletionGracePeriodSeconds: 30, nodeReady: 'False' as const };
  assert.deepEqual(decideTerminatingPod({ ...base, nowMs: DEADLINE - 10_000 }), { action: 'recheck', afterMs: 10_000 });
  assert.deepEqual(decideTerminatingPod({ ...base, nowMs: DEADLINE }), { action: 'forceDelete' });
});

test('orphaned pods wait out the quarantine, then go', () => {
  assert.deepEqual(decideOrphanPod(1000, 1000), { action: 'recheck', afterMs: ORPHAN_QUARANTINE_MS });
  assert.deepEqual(decideOrphanPod(1000, 1000 + ORPHAN_QUARANTINE_MS), { action: 'forceDelete' });
});
