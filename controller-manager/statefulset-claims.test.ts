import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PersistentVolumeClaim } from '../api/types/index.js';
import { claimOwnerRefs, hasStaleOwnerRef } from './statefulset-claims.js';
import { setPod, statefulSet } from './statefulset-testutil.js';

function claim(owners: PersistentVolumeClaim['metadata']['ownerReferences'] = []): PersistentVolumeClaim {
  return { metadata: { name: 'www-web-1', namespace: 'default', ownerReferences: owners }, spec: {} };
}

const policy = (whenDeleted: 'Retain' | 'Delete', whenScaled: 'Retain' | 'Delete') =>
  statefulSet({ persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled } });

const uids = (refs: ReturnType<typeof claimOwnerRefs>) => refs?.map((r) => r.uid);

test('Retain/Retain: no owners (and ours are removed); others untouched', () => {
  const set = policy('Retain', 'Retain');
  const pod = setPod(set, 1, 'r');
  assert.equal(claimOwnerRefs(claim(), set, pod, false), undefined);
  const other = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'other' };
  const c = claim([other, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid' }]);
  assert.deepEqual(uids(claimOwnerRefs(c, set, pod, false)), ['other']);
});

test('whenDeleted Delete: the set owns the claim', () => {
  const set = policy('Delete', 'Retain');
  const refs = claimOwnerRefs(claim(), set, undefined, false);
  assert.deepEqual(refs, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid' }]);
  assert.equal(claimOwnerRefs(claim(refs), set, undefined, false), undefined, 'already right');
});

test('whenScaled Delete: a scaled-down pod owns its claims, a wanted one does not', () => {
  const set = policy('Retain', 'Delete');
  const pod = setPod(set, 1, 'r');
  assert.deepEqual(uids(claimOwnerRefs(claim(), set, pod, true)), [pod.metadata.uid]);
  const owned = claim([{ apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: pod.metadata.uid! }]);
  assert.deepEqual(uids(claimOwnerRefs(owned, set, pod, false)), [], 'scaled back up: the pod lets go');
});

test('Delete/Delete: the set while wanted, the pod once scaled down', () => {
  const set = policy('Delete', 'Delete');
  const pod = setPod(set, 1, 'r');
  assert.deepEqual(uids(claimOwnerRefs(claim(), set, pod, false)), ['set-uid']);
  const bySet = claim([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid' }]);
  assert.deepEqual(uids(claimOwnerRefs(bySet, set, pod, true)), [pod.metadata.uid]);
});

test('a claim owned by an earlier pod is stale for a new one', () => {
  const c = claim([{ apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: 'old-pod' }]);
  assert.equal(hasStaleOwnerRef(c), true);
  assert.equal(hasStaleOwnerRef(c, 'old-pod'), false);
  assert.equal(hasStaleOwnerRef(claim([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 's' }])), false);
});
