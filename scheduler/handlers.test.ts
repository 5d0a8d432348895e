import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeChangeMatters, responsibleFor } from './handlers.js';
import { makeNode, makePod } from './test-fixtures.js';
import { schedulerNamesFor } from './main.js';

test('pods for default-scheduler or kubelite-scheduler are ours; others are not', () => {
  const names = schedulerNamesFor('default-scheduler');
  assert.equal(responsibleFor(makePod('a'), names), true);
  assert.equal(responsibleFor(makePod('b', { schedulerName: 'kubelite-scheduler' }), names), true);
  assert.equal(responsibleFor(makePod('c', { schedulerName: 'my-scheduler' }), names), false);
  const empty = makePod('d');
  delete empty.spec.schedulerName;
  assert.equal(responsibleFor(empty, names), true);
  assert.equal(responsibleFor(makePod('e', { schedulerName: 'my-scheduler' }), schedulerNamesFor('my-scheduler')), true);
});

test('heartbeats do not count as node changes; allocatable, labels, taints, cordon and readiness do', () => {
  const base = makeNode('n');
  const heartbeat = structuredClone(base);
  heartbeat.status!.conditions![0].lastHeartbeatTime = '2026-01-01T00:00:10Z';
  assert.equal(nodeChangeMatters(base, heartbeat), false);
  assert.equal(nodeChangeMatters(base, makeNode('n', { cpu: '8' })), true);
  assert.equal(nodeChangeMatters(base, makeNode('n', { labels: { a: 'b' } })), true);
  assert.equal(nodeChangeMatters(base, makeNode('n', { taints: [{ key: 'k', effect: 'NoSchedule' }] })), true);
  assert.equal(nodeChangeMatters(base, makeNode('n', { unschedulable: true })), true);
  assert.equal(nodeChangeMatters(base, makeNode('n', { ready: 'False' })), true);
});
