import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNodeInfo, makePodInfo } from '../test-fixtures.js';
import { leastAllocatedScore, leastRequestedScore } from './least-allocated.js';

test('free share after placing the pod, averaged over cpu and memory', () => {
  assert.equal(leastRequestedScore(0, 1000), 100);
  assert.equal(leastRequestedScore(250, 1000), 75);
  assert.equal(leastRequestedScore(2000, 1000), 0);
  assert.equal(leastRequestedScore(0, 0), 0);
  const node = makeNodeInfo('n', { cpu: '4', memory: '4Gi' });
  const pod = makePodInfo('p', { cpu: '1', memory: '2Gi' });
  assert.equal(leastAllocatedScore(pod, node), (75 + 50) / 2);
});

test('emptier nodes score higher; request-less pods count with defaults', () => {
  const busy = makeNodeInfo('busy');
  for (let i = 0; i < 5; i++) busy.addPod(makePodInfo(`x${i}`));
  const idle = makeNodeInfo('idle');
  const pod = makePodInfo('p');
  assert.ok(leastAllocatedScore(pod, idle) > leastAllocatedScore(pod, busy));
});
