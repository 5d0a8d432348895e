import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeSelectorMatches, nodeSelectorTermMatches } from './node-selector.js';

const node = { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1', zone: 'a', rank: '5' } };

test('no selector matches every node; no terms match none', () => {
  assert.equal(nodeSelectorMatches(undefined, node), true);
  assert.equal(nodeSelectorMatches({ nodeSelectorTerms: [] }, node), false);
});

test('expressions in a term are ANDed, terms ORed', () => {
  const host = { key: 'kubernetes.io/hostname', operator: 'In' as const, values: ['n1'] };
  const zoneB = { key: 'zone', operator: 'In' as const, values: ['b'] };
  assert.equal(nodeSelectorMatches({ nodeSelectorTerms: [{ matchExpressions: [host] }] }, node), true);
  assert.equal(nodeSelectorMatches({ nodeSelectorTerms: [{ matchExpressions: [host, zoneB] }] }, node), false);
  assert.equal(nodeSelectorMatches({ nodeSelectorTerms: [{ matchExpressions: [zoneB] }, { matchExpressions: [host] }] }, node), true);
  assert.equal(nodeSelectorMatches({ nodeSelectorTerms: [{ matchExpressions: [host] }] }, { name: 'n2', labels: { 'kubernetes.io/hostname': 'n2' } }), false);
});

test('operators Exists, DoesNotExist, NotIn, Gt, Lt', () => {
  const t = (operator: 'Exists' | 'DoesNotExist' | 'NotIn' | 'Gt' | 'Lt', key: string, values?: string[]) =>
    nodeSelectorTermMatches({ matchExpressions: [{ key, operator, values }] }, node);
  assert.equal(t('Exists', 'zone'), true);
  assert.equal(t('DoesNotExist', 'zone'), false);
  assert.equal(t('NotIn', 'zone', ['b']), true);
  assert.equal(t('Gt', 'rank', ['4']), true);
  assert.equal(t('Lt', 'rank', ['4']), false);
});

test('matchFields on metadata.name; empty or invalid terms match nothing', () => {
  assert.equal(nodeSelectorTermMatches({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }, node), true);
  assert.equal(nodeSelectorTermMatches({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] }, node), false);
  assert.equal(nodeSelectorTermMatches({ matchFields: [{ key: 'metadata.labels', operator: 'In', values: ['n1'] }] }, node), false);
  assert.equal(nodeSelectorTermMatches({}, node), false);
  assert.equal(nodeSelectorTermMatches({ matchExpressions: [{ key: 'zone', operator: 'Bogus' as 'In', values: ['a'] }] }, node), false);
});
