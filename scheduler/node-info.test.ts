import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNodeInfo, makePodInfo } from './test-fixtures.js';

test('adding and removing pods keeps the running sums exact', () => {
  const n = makeNodeInfo('n1', { cpu: '4', memory: '8Gi', pods: '10' });
  assert.equal(n.allocatable.milliCPU, 4000);
  assert.equal(n.allowedPods, 10);
  const a = makePodInfo('a', { cpu: '500m', memory: '1Gi', owner: 'web', hostPorts: [{ hostPort: 80 }] });
  const b = makePodInfo('b', { owner: 'web' });
  n.addPod(a);
  n.addPod(b);
  n.addPod(b); // re-adding replaces
  assert.equal(n.pods.size, 2);
  assert.equal(n.requested.milliCPU, 500);
  assert.equal(n.nonZeroCPU, 600);
  assert.equal(n.spreadCount('owner:rs-web'), 2);
  assert.equal(n.portInUse({ port: 80, protocol: 'TCP', ip: '10.0.0.1' }), true);
  n.removePod(a.uid);
  assert.equal(n.requested.milliCPU, 0);
  assert.equal(n.requested.memory, 0);
  assert.equal(n.spreadCount('owner:rs-web'), 1);
  assert.equal(n.portInUse({ port: 80, protocol: 'TCP', ip: '0.0.0.0' }), false);
  assert.equal(n.usedPorts.size, 0);
});

test('node fields: readiness, cordon, taints and labels', () => {
  const n = makeNodeInfo('n1', { ready: 'False', unschedulable: true, labels: { zone: 'a' }, taints: [{ key: 'k', effect: 'NoSchedule' }] });
  assert.equal(n.ready, 'False');
  assert.equal(n.unschedulable, true);
  assert.equal(n.labels.zone, 'a');
  assert.equal(n.taints.length, 1);
  assert.equal(makeNodeInfo('n2', { ready: 'missing' }).ready, 'Unknown');
});
