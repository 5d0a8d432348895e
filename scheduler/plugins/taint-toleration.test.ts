import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Taint } from '../../api/types/index.js';
import { makeNodeInfo, makePodInfo } from '../test-fixtures.js';
import { countIntolerablePreferNoSchedule, taintTolerationFilter, taintTolerationScore, toleratesTaint } from './taint-toleration.js';

const cp: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

test('toleration matching: Equal compares values, Exists ignores them, empty key with Exists tolerates all', () => {
  const t: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  assert.equal(toleratesTaint({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, t), true);
  assert.equal(toleratesTaint({ key: 'dedicated', value: 'gpu' }, t), true); // operator defaults to Equal, effect to all
  assert.equal(toleratesTaint({ key: 'dedicated', operator: 'Equal', value: 'cpu' }, t), false);
  assert.equal(toleratesTaint({ key: 'dedicated', operator: 'Exists' }, t), true);
  assert.equal(toleratesTaint({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, t), false);
  assert.equal(toleratesTaint({ key: 'other', operator: 'Exists' }, t), false);
  assert.equal(toleratesTaint({ operator: 'Exists' }, t), true);
});

test('filter: NoSchedule and NoExecute taints need a toleration; the reason names the taint', () => {
  const node = makeNodeInfo('n', { taints: [cp] });
  const f = taintTolerationFilter.prepare(makePodInfo('p'))!;
  assert.deepEqual(f(node), ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }']);
  const tolerant = taintTolerationFilter.prepare(makePodInfo('p', { tolerations: [{ key: cp.key, operator: 'Exists', effect: 'NoSchedule' }] }))!;
  assert.equal(tolerant(node), undefined);
  const exec = makeNodeInfo('n', { taints: [{ key: 'k', value: 'v', effect: 'NoExecute' }] });
  assert.deepEqual(f(exec), ['node(s) had untolerated taint {k: v}']);
  assert.equal(f(makeNodeInfo('n', { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] })), undefined);
});

test('score: fewer intolerable PreferNoSchedule taints is better', () => {
  const taints: Taint[] = [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' }];
  assert.equal(countIntolerablePreferNoSchedule(taints, []), 2);
  assert.equal(countIntolerablePreferNoSchedule(taints, [{ key: 'a', operator: 'Exists' }]), 1);
  // A toleration for another effect doesn't count.
  assert.equal(countIntolerablePreferNoSchedule(taints, [{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }]), 2);
  const scorer = taintTolerationScore.prepare(makePodInfo('p'))!;
  const nodes = [makeNodeInfo('clean'), makeNodeInfo('one', { taints: taints.slice(0, 1) }), makeNodeInfo('two', { taints })];
  const scores = new Float64Array(nodes.map((n) => scorer.score(n)));
  scorer.normalize!(scores);
  assert.deepEqual([...scores], [100, 50, 0]);
});
