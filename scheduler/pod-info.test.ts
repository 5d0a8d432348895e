import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostPortsOf, newPodInfo, spreadKeyOf } from './pod-info.js';
import { makePod } from './test-fixtures.js';

test('the controller owner decides the spread key', () => {
  assert.equal(spreadKeyOf(makePod('a', { owner: 'web', labels: { app: 'x' } })), 'owner:rs-web');
});

test('without a controller, pods with the same labels in a namespace share a key', () => {
  const a = spreadKeyOf(makePod('a', { labels: { app: 'x', tier: 'f' } }));
  const b = spreadKeyOf(makePod('b', { labels: { tier: 'f', app: 'x' } }));
  const other = spreadKeyOf(makePod('c', { namespace: 'other', labels: { app: 'x', tier: 'f' } }));
  assert.equal(a, b);
  assert.notEqual(a, other);
  assert.equal(spreadKeyOf(makePod('d')), undefined);
});

test('host ports default to TCP on every address', () => {
  const pod = makePod('p', { hostPorts: [{ hostPort: 80 }, { hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }] });
  assert.deepEqual(hostPortsOf(pod), [
    { port: 80, protocol: 'TCP', ip: '0.0.0.0' },
    { port: 53, protocol: 'UDP', ip: '10.0.0.1' },
  ]);
});

test('priority and creation time are taken from the pod', () => {
  const info = newPodInfo(makePod('p', { priority: 7, created: '2026-02-03T04:05:06Z' }));
  assert.equal(info.priority, 7);
  assert.equal(info.createdMs, Date.parse('2026-02-03T04:05:06Z'));
  assert.equal(info.key, 'default/p');
});
