import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/meta.js';
import { Store } from '../client/store.js';
import {
  adoptPatch, claimCandidates, claimDecision, ensureControllerIndex, getControllerOf, isControlledBy, newControllerRef, releasePatch,
} from './controller-ref.js';

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

test('claimCandidates: exactly the namespace objects claimDecision does not ignore for owning another', () => {
  const store = new Store<KubeObject>();
  ensureControllerIndex(store);
  ensureControllerIndex(store); // a second controller on the same shared store
  const mk = (name: string, ns: string, ownerUid?: string): KubeObject => ({ metadata: { ...obj(ownerUid).metadata, name, namespace: ns, uid: name } });
  for (const o of [mk('mine', 'ns', 'owner'), mk('orphan', 'ns'), mk('theirs', 'ns', 'other'), mk('mine-elsewhere', 'ns2', 'owner'), mk('orphan-elsewhere', 'ns2')]) {
    store.set(o);
  }
  const names = (): string[] => claimCandidates(store, owner).map((o) => o.metadata.name ?? '').sort();
  assert.deepEqual(names(), ['mine', 'orphan']);
  // adoption (a new controller ref) and release move an object between index entries
  store.set(mk('orphan', 'ns', 'owner'));
  store.set(mk('mine', 'ns'));
  store.set(mk('theirs', 'ns'));
  assert.deepEqual(names(), ['mine', 'orphan', 'theirs']);
  store.set(mk('theirs', 'ns', 'other'));
  store.delete('ns/orphan');
  assert.deepEqual(names(), ['mine']);
  // every object claimDecision would not ignore is among the candidates
  const all = [...store.list()];
  const candidates = new Set(claimCandidates(store, owner));
  for (const o of all) {
    if (o.metadata.namespace !== 'ns') continue;
    if (claimDecision(owner, o, true) !== 'ignore' || claimDecision(owner, o, false) !== 'ignore') assert.ok(candidates.has(o), o.metadata.name);
  }
});
