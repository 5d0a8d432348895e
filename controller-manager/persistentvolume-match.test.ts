import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findBestMatch, isVolumeBoundToClaim, volumeUnsatisfiedReason } from './persistentvolume-match.js';
import { claimRefTo, pv, pvc } from './persistentvolume-testutil.js';

const free = { delayBinding: false };
const name = (v: ReturnType<typeof findBestMatch>) => v?.metadata.name;

test('the smallest volume with enough capacity wins', () => {
  const claim = pvc('c', '2Gi');
  const vols = [pv('big', '10Gi'), pv('small', '1Gi'), pv('fit', '2Gi'), pv('mid', '3000Mi')];
  assert.equal(name(findBestMatch(claim, vols, free)), 'fit');
  assert.equal(name(findBestMatch(pvc('c', '2500Mi'), vols, free)), 'mid');
  assert.equal(findBestMatch(pvc('c', '11Gi'), vols, free), undefined);
});

test('access modes must be a superset; volume mode and class must be equal', () => {
  const rwx = pvc('c', '1Gi', { accessModes: ['ReadWriteMany'] });
  assert.equal(findBestMatch(rwx, [pv('a', '1Gi')], free), undefined);
  assert.equal(name(findBestMatch(rwx, [pv('a', '1Gi', { accessModes: ['ReadWriteOnce', 'ReadWriteMany'] })], free)), 'a');
  assert.equal(findBestMatch(pvc('c', '1Gi', { volumeMode: 'Block' }), [pv('a', '1Gi')], free), undefined);
  assert.equal(findBestMatch(pvc('c', '1Gi', { storageClassName: 'fast' }), [pv('a', '1Gi')], free), undefined);
  assert.equal(name(findBestMatch(pvc('c', '1Gi', { storageClassName: 'fast' }), [pv('a', '1Gi', { storageClassName: 'fast' })], free)), 'a');
  assert.equal(findBestMatch(pvc('c', '1Gi'), [pv('a', '1Gi', { storageClassName: 'fast' })], free), undefined, 'no class asks for a volume without one');
});

test('only Available, unclaimed volumes the selector accepts', () => {
  const claim = pvc('c', '1Gi', { selector: { matchLabels: { tier: 'gold' } } });
  const gold = pv('gold', '1Gi');
  gold.metadata.labels = { tier: 'gold' };
  assert.equal(findBestMatch(claim, [pv('plain', '1Gi')], free), undefined);
  assert.equal(name(findBestMatch(claim, [gold], free)), 'gold');
  assert.equal(findBestMatch(pvc('c', '1Gi'), [pv('a', '1Gi', {}, 'Released')], free), undefined);
  const other = pvc('other', '1Gi');
  assert.equal(findBestMatch(pvc('c', '1Gi'), [pv('a', '1Gi', { claimRef: claimRefTo(other) })], free), undefined);
  const deleting = pv('a', '1Gi');
  deleting.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  assert.equal(findBestMatch(pvc('c', '1Gi'), [deleting], free), undefined);
});

test('a volume pre-bound to the claim wins over a smaller free one, even with a different uid left open', () => {
  const claim = pvc('c', '1Gi');
  const mine = pv('mine', '5Gi', { claimRef: { namespace: 'default', name: 'c' } }, 'Available');
  assert.equal(name(findBestMatch(claim, [pv('small', '1Gi'), mine], free)), 'mine');
  assert.equal(isVolumeBoundToClaim(mine, claim), true);
  const stale = pv('stale', '5Gi', { claimRef: claimRefTo(claim, 'old-uid') });
  assert.equal(isVolumeBoundToClaim(stale, claim), false);
});

test('WaitForFirstConsumer: no free volume until a node is chosen, then only ones that node can reach', () => {
  const claim = pvc('c', '1Gi');
  const affinity = (host: string) => ({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In' as const, values: [host] }] }] } });
  const onA = pv('on-a', '1Gi', { nodeAffinity: affinity('a') });
  const onB = pv('on-b', '1Gi', { nodeAffinity: affinity('b') });
  assert.equal(findBestMatch(claim, [onA, onB], { delayBinding: true }), undefined);
  const nodeB = { name: 'b', labels: { 'kubernetes.io/hostname': 'b' } };
  assert.equal(name(findBestMatch(claim, [onA, onB], { delayBinding: true, node: nodeB })), 'on-b');
  // pre-bound, but not reachable from the chosen node: no match at all
  const pre = pv('pre', '1Gi', { nodeAffinity: affinity('a'), claimRef: claimRefTo(claim) });
  assert.equal(findBestMatch(claim, [pre, onB], { delayBinding: true, node: nodeB }), undefined);
  assert.equal(name(findBestMatch(claim, [pre], { delayBinding: true })), 'pre');
});

test('a volume asked for by name must still satisfy the claim', () => {
  assert.equal(volumeUnsatisfiedReason(pv('a', '1Gi'), pvc('c', '1Gi')), undefined);
  assert.equal(volumeUnsatisfiedReason(pv('a', '1Gi'), pvc('c', '2Gi')), 'requested PV is too small');
  assert.equal(volumeUnsatisfiedReason(pv('a', '1Gi', { storageClassName: 'x' }), pvc('c', '1Gi')), 'storageClassName does not match');
  assert.equal(volumeUnsatisfiedReason(pv('a', '1Gi'), pvc('c', '1Gi', { accessModes: ['ReadOnlyMany'] })), 'incompatible accessMode');
});
