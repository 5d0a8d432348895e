import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease, Node } from '../api/types/index.js';
import {
  heartbeatSignature, isHeartbeatStale, markConditionsUnknown, msUntilStale, observeHeartbeat, readyStatus,
  MESSAGE_UNKNOWN, REASON_NEVER_UPDATED, REASON_UNKNOWN,
} from './node-lifecycle-health.js';

const GRACE = 40_000;

function node(ready?: 'True' | 'False' | 'Unknown', heartbeat = '2024-01-01T00:00:00Z'): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', creationTimestamp: '2023-12-31T00:00:00Z' },
    status: ready ? { conditions: [
      { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: heartbeat },
      { type: 'Ready', status: ready, reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: heartbeat, lastTransitionTime: '2023-12-31T00:00:00Z' },
    ] } : {},
  };
}

function lease(renewTime: string, uid = 'l1'): Lease {
  return { metadata: { name: 'n1', namespace: 'kube-node-lease', uid }, spec: { renewTime } };
}

test('a lease renewed within the grace period keeps the node healthy', () => {
  let obs = observeHeartbeat(undefined, heartbeatSignature(node('True'), lease('t1')), 0);
  assert.equal(isHeartbeatStale(obs, 30_000, GRACE), false);
  // renewed at 30 s: the grace period starts again from when we saw it
  obs = observeHeartbeat(obs, heartbeatSignature(node('True'), lease('t2')), 30_000);
  assert.equal(obs.observedAt, 30_000);
  assert.equal(isHeartbeatStale(obs, 69_000, GRACE), false);
  assert.equal(isHeartbeatStale(obs, 70_001, GRACE), true);
});

test('a lease not renewed within the grace period makes the node stale', () => {
  const sig = heartbeatSignature(node('True'), lease('t1'));
  let obs = observeHeartbeat(undefined, sig, 1_000);
  obs = observeHeartbeat(obs, sig, 20_000); // nothing changed: the observation keeps its time
  assert.equal(obs.observedAt, 1_000);
  assert.equal(isHeartbeatStale(obs, 41_000, GRACE), false);
  assert.equal(isHeartbeatStale(obs, 41_001, GRACE), true);
  assert.equal(msUntilStale(obs, 21_000, GRACE), 20_001);
  assert.equal(msUntilStale(obs, 50_000, GRACE), 0);
});

test('a Ready heartbeat counts as a sign of life even without a lease', () => {
  const a = heartbeatSignature(node('True', '2024-01-01T00:00:00Z'), undefined);
  const b = heartbeatSignature(node('True', '2024-01-01T00:00:10Z'), undefined);
  assert.notEqual(a, b);
  const obs = observeHeartbeat(observeHeartbeat(undefined, a, 0), b, 39_000);
  assert.equal(isHeartbeatStale(obs, 60_000, GRACE), false);
});

test('a recreated lease counts as a heartbeat even with the same renewTime', () => {
  assert.notEqual(heartbeatSignature(node('True'), lease('t1', 'a')), heartbeatSignature(node('True'), lease('t1', 'b')));
});

test('stale node: kubelet conditions go Unknown with NodeStatusUnknown, heartbeats kept', () => {
  const n = node('True');
  const out = markConditionsUnknown(n.status?.conditions, '2024-01-01T00:01:00Z', n.metadata.creationTimestamp);
  assert.ok(out);
  const ready = out.find((c) => c.type === 'Ready')!;
  assert.deepEqual(ready, {
    type: 'Ready', status: 'Unknown', reason: REASON_UNKNOWN, message: MESSAGE_UNKNOWN,
    lastHeartbeatTime: '2024-01-01T00:00:00Z', lastTransitionTime: '2024-01-01T00:01:00Z',
  });
  assert.equal(out.find((c) => c.type === 'MemoryPressure')!.status, 'Unknown');
  // missing kubelet conditions are added as never updated
  const disk = out.find((c) => c.type === 'DiskPressure')!;
  assert.equal(disk.reason, REASON_NEVER_UPDATED);
  assert.equal(disk.lastHeartbeatTime, '2023-12-31T00:00:00Z');
  assert.deepEqual(out.map((c) => c.type).sort(), ['DiskPressure', 'MemoryPressure', 'PIDPressure', 'Ready']);
  // the input is not modified
  assert.equal(n.status?.conditions?.[1].status, 'True');
  // already Unknown: nothing to write
  assert.equal(markConditionsUnknown(out, '2024-01-01T00:02:00Z', undefined), undefined);
});

test('a node that never reported gets all four conditions as NodeStatusNeverUpdated', () => {
  const out = markConditionsUnknown(undefined, '2024-01-01T00:01:00Z', undefined)!;
  assert.equal(out.length, 4);
  assert.ok(out.every((c) => c.status === 'Unknown' && c.reason === REASON_NEVER_UPDATED && c.lastHeartbeatTime === '2024-01-01T00:01:00Z'));
});

test('readyStatus reads the Ready condition', () => {
  assert.equal(readyStatus(node('False')), 'False');
  assert.equal(readyStatus(node()), undefined);
});
