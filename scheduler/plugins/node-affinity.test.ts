import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNodeInfo, makePodInfo } from '../test-fixtures.js';
import { nodeAffinityFilter, nodeAffinityScore } from './node-affinity.js';
import { NODE_AFFINITY_REASON } from './node-selector.js';

test('required node affinity filters', () => {
  const pod = makePodInfo('p', {
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } },
  });
  const f = nodeAffinityFilter.prepare(pod)!;
  assert.equal(f(makeNodeInfo('n1', { labels: { zone: 'a' } })), undefined);
  assert.deepEqual(f(makeNodeInfo('n2', { labels: { zone: 'b' } })), [NODE_AFFINITY_REASON]);
  assert.equal(nodeAffinityFilter.prepare(makePodInfo('q')), undefined);
});

test('preferred node affinity sums matching weights, normalized to 100', () => {
  const pod = makePodInfo('p', {
    affinity: {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
          { weight: 30, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
        ],
      },
    },
  });
  const s = nodeAffinityScore.prepare(pod)!;
  const nodes = [makeNodeInfo('a', { labels: { zone: 'a' } }), makeNodeInfo('b', { labels: { zone: 'a', disk: 'ssd' } }), makeNodeInfo('c')];
  const scores = new Float64Array(nodes.map((n) => s.score(n)));
  assert.deepEqual([...scores], [10, 40, 0]);
  s.normalize!(scores);
  assert.deepEqual([...scores], [25, 100, 0]);
  assert.equal(nodeAffinityScore.prepare(makePodInfo('q')), undefined);
});
