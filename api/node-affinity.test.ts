import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requiredNodeAffinityMatches } from './node-affinity.js';

const n1 = { name: 'n1', labels: { zone: 'a', disk: 'ssd' } };
const n2 = { name: 'n2', labels: { zone: 'b' } };

test('nodeSelector and required affinity must both hold', () => {
  assert.equal(requiredNodeAffinityMatches(undefined, n1), true);
  assert.equal(requiredNodeAffinityMatches({ nodeSelector: { disk: 'ssd' } }, n1), true);
  assert.equal(requiredNodeAffinityMatches({ nodeSelector: { disk: 'ssd' } }, n2), false);
  const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' as const, values: ['b'] }] }] } } };
  assert.equal(requiredNodeAffinityMatches({ affinity }, n2), true);
  assert.equal(requiredNodeAffinityMatches({ affinity }, n1), false);
  assert.equal(requiredNodeAffinityMatches({ affinity, nodeSelector: { disk: 'ssd' } }, n2), false);
  // only preferred terms: no hard rule
  assert.equal(requiredNodeAffinityMatches({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } } }, n2), true);
});

test('matchFields on metadata.name pins to one node', () => {
  const pinned = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In' as const, values: ['n1'] }] }] } } } };
  assert.equal(requiredNodeAffinityMatches(pinned, n1), true);
  assert.equal(requiredNodeAffinityMatches(pinned, n2), false);
});
