import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/meta.js';
import { adoptPatch, claimDecision, getControllerOf, isControlledBy, newControllerRef, releasePatch } from './controller-ref.js';

const owner: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'ns', uid: 'owner' } };
const obj = (ownerUid?: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  metadata: {
    name: 'p', namespace: 'ns', uid: 'p1', ...extra,
    ownerReferences: ownerUid ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: ownerUid, controller: true }] : undefined,
  },
});

test('controller refs', () => {
  const ref = newControllerRef(owner, 'apps/v1', 'ReplicaSet');
  assert.deepEqual(ref, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'owner', controller: true, blockOwnerDeletion: true });
  assert.equal(getControllerOf(obj('owner'))?.uid, 'owner');
  assert.equal(getControllerOf({ metadata: { ownerReferences: [{ ...ref, controller: false }] } }), undefined);
  assert.ok(isControlledBy(obj('owner'), owner));
  assert.ok(!isControlledBy(obj('other'), owner));
});

test('claimDecision follows ControllerRefManager', () => {
  assert.equal(claimDecision(owner, obj('owner'), true), 'keep');
  assert.equal(claimDecision(owner, obj('owner'), false), 'release');
  assert.equal(claimDecision({ ...owner, metadata: { ...owner.metadata, deletionTimestamp: 'now' } }, obj('owner'), false), 'ignore');
  assert.equal(claimDecision(owner, obj('other'), true), 'ignore');
  assert.equal(claimDecision(owner, obj(), true), 'adopt');
  assert.equal(claimDecision(owner, obj(), false), 'ignore');
  assert.equal(claimDecision(owner, obj(undefined, { deletionTimestamp: 'now' }), true), 'ignore');
  assert.equal(claimDecision(owner, obj(undefined, { namespace: 'elsewhere' }), true), 'ignore');
  assert.equal(claimDecision({ ...owner, metadata: { ...owner.metadata, deletionTimestamp: 'now' } }, obj(), true), 'ignore');
});

test('adopt and release patches touch only our reference', () => {
  const ref = newControllerRef(owner, 'apps/v1', 'ReplicaSet');
  assert.deepEqual(adoptPatch(obj(), ref), { metadata: { ownerReferences: [ref], uid: 'p1' } });
  assert.deepEqual(releasePatch(obj('owner'), 'owner'), { metadata: { ownerReferences: [{ $patch: 'delete', uid: 'owner' }], uid: 'p1' } });
});
