import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNodeInfo, makePodInfo } from '../test-fixtures.js';
import { normalizeSpread, spreadOwnerScorePlugin } from './spread-owner.js';

test('nodes with fewer replicas of the same owner score higher', () => {
  const a = makeNodeInfo('a');
  const b = makeNodeInfo('b');
  const c = makeNodeInfo('c');
  a.addPod(makePodInfo('w1', { owner: 'web' }));
  a.addPod(makePodInfo('w2', { owner: 'web' }));
  b.addPod(makePodInfo('w3', { owner: 'web' }));
  c.addPod(makePodInfo('o1', { owner: 'other' }));
  const s = spreadOwnerScorePlugin.prepare(makePodInfo('p', { owner: 'web' }))!;
  const scores = new Float64Array([a, b, c].map((n) => s.score(n)));
  s.normalize!(scores);
  assert.deepEqual([...scores], [0, 50, 100]);
});

test('without peers anywhere every node scores 100; pods without owner or labels are not spread', () => {
  const scores = new Float64Array([0, 0]);
  normalizeSpread(scores);
  assert.deepEqual([...scores], [100, 100]);
  assert.equal(spreadOwnerScorePlugin.prepare(makePodInfo('p')), undefined);
});
