import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNodeInfo, makePodInfo } from '../test-fixtures.js';
import { compileTerm, compileTerms, matchesNodeSelector, NODE_AFFINITY_REASON, nodeSelectorFilter } from './node-selector.js';

test('nodeSelector needs every pair to match', () => {
  assert.equal(matchesNodeSelector({ disk: 'ssd' }, { disk: 'ssd', zone: 'a' }), true);
  assert.equal(matchesNodeSelector({ disk: 'ssd', zone: 'b' }, { disk: 'ssd', zone: 'a' }), false);
  assert.equal(nodeSelectorFilter.prepare(makePodInfo('p')), undefined);
  const f = nodeSelectorFilter.prepare(makePodInfo('p', { nodeSelector: { disk: 'ssd' } }))!;
  assert.equal(f(makeNodeInfo('n', { labels: { disk: 'ssd' } })), undefined);
  assert.deepEqual(f(makeNodeInfo('n')), [NODE_AFFINITY_REASON]);
});

test('term operators: In, NotIn, Exists, DoesNotExist, Gt, Lt', () => {
  const node = makeNodeInfo('n1', { labels: { zone: 'a', cores: '8' } });
  const t = (key: string, operator: string, values?: string[]) =>
    compileTerm({ matchExpressions: [{ key, operator: operator as 'In', values }] })(node);
  assert.equal(t('zone', 'In', ['a', 'b']), true);
  assert.equal(t('zone', 'In', ['b']), false);
  assert.equal(t('zone', 'NotIn', ['b']), true);
  assert.equal(t('missing', 'NotIn', ['b']), true);
  assert.equal(t('zone', 'Exists'), true);
  assert.equal(t('zone', 'DoesNotExist'), false);
  assert.equal(t('cores', 'Gt', ['4']), true);
  assert.equal(t('cores', 'Lt', ['4']), false);
  assert.equal(t('zone', 'Gt', ['4']), false);
  assert.equal(t('zone', 'Bogus', ['a']), false);
});

test('matchFields on metadata.name; empty terms match nothing; terms are ORed', () => {
  const node = makeNodeInfo('n1', { labels: { zone: 'a' } });
  assert.equal(compileTerm({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] })(node), true);
  assert.equal(compileTerm({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] })(node), false);
  assert.equal(compileTerm({})(node), false);
  assert.equal(compileTerms([])(node), false);
  assert.equal(
    compileTerms([
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
    ])(node),
    true,
  );
  // Expressions and fields in one term are ANDed.
  assert.equal(
    compileTerm({
      matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }],
      matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }],
    })(node),
    false,
  );
});
