import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideDependent, decideOwner, type OwnerFact } from './garbage-collector-decide.js';

const o = (uid: string, state: OwnerFact['state']): OwnerFact => ({ uid, state });

test('a dependent with a live owner stays', () => {
  assert.deepEqual(decideDependent({ finalizers: [], hasDependents: false, owners: [o('a', 'solid')] }), { kind: 'keep' });
  assert.deepEqual(decideDependent({ finalizers: [], hasDependents: false, owners: [] }), { kind: 'keep' });
  // an owner we cannot look up is never grounds for deletion
  assert.deepEqual(decideDependent({ finalizers: [], hasDependents: false, owners: [o('a', 'unresolvable')] }), { kind: 'keep' });
});

test('Background: a dependent whose owners are all gone is deleted in the background', () => {
  assert.deepEqual(decideDependent({ finalizers: [], hasDependents: true, owners: [o('a', 'dangling')] }),
    { kind: 'delete', propagationPolicy: 'Background' });
  assert.deepEqual(decideDependent({ finalizers: undefined, hasDependents: false, owners: [o('a', 'dangling'), o('b', 'dangling')] }),
    { kind: 'delete', propagationPolicy: 'Background' });
});

test('a dependent keeps living through another owner; references to gone owners are dropped', () => {
  assert.deepEqual(decideDependent({ finalizers: [], hasDependents: false, owners: [o('a', 'dangling'), o('b', 'solid'), o('c', 'waiting')] }),
    { kind: 'removeOwnerReferences', uids: ['a', 'c'] });
});

test('Foreground: dependents of a waiting owner are deleted, in the foreground when they have dependents too', () => {
  assert.deepEqual(decideDependent({ finalizers: [], hasDependents: true, owners: [o('a', 'waiting')] }),
    { kind: 'delete', propagationPolicy: 'Foreground' });
  assert.deepEqual(decideDependent({ finalizers: [], hasDependents: false, owners: [o('a', 'waiting')] }),
    { kind: 'delete', propagationPolicy: 'Background' });
});

test('a dependent\'s own deletion finalizer picks the policy when no owner waits on it', () => {
  assert.deepEqual(decideDependent({ finalizers: ['orphan'], hasDependents: true, owners: [o('a', 'dangling')] }),
    { kind: 'delete', propagationPolicy: 'Orphan' });
  assert.deepEqual(decideDependent({ finalizers: ['foregroundDeletion'], hasDependents: false, owners: [o('a', 'dangling')] }),
    { kind: 'delete', propagationPolicy: 'Foreground' });
});

test('Orphan: references are stripped from every dependent, then the finalizer goes', () => {
  const deps = [{ uid: 'd1', blocking: true }, { uid: 'd2', blocking: false }];
  assert.deepEqual(decideOwner({ deleting: true, finalizers: ['orphan'], dependents: deps }), { kind: 'orphanDependents', dependents: ['d1', 'd2'] });
  assert.deepEqual(decideOwner({ deleting: true, finalizers: ['orphan', 'other'], dependents: [] }), { kind: 'removeFinalizer', finalizer: 'orphan' });
});

test('Foreground: the owner waits for blocking dependents only, then loses its finalizer', () => {
  assert.deepEqual(decideOwner({ deleting: true, finalizers: ['foregroundDeletion'], dependents: [{ uid: 'd1', blocking: true }, { uid: 'd2', blocking: false }] }),
    { kind: 'deleteDependents', dependents: ['d1', 'd2'] });
  assert.deepEqual(decideOwner({ deleting: true, finalizers: ['foregroundDeletion'], dependents: [{ uid: 'd2', blocking: false }] }),
    { kind: 'removeFinalizer', finalizer: 'foregroundDeletion' });
  assert.deepEqual(decideOwner({ deleting: true, finalizers: ['foregroundDeletion'], dependents: [] }),
    { kind: 'removeFinalizer', finalizer: 'foregroundDeletion' });
});

test('owners not being deleted, or held only by other finalizers, need nothing', () => {
  assert.deepEqual(decideOwner({ deleting: false, finalizers: ['orphan'], dependents: [] }), { kind: 'none' });
  assert.deepEqual(decideOwner({ deleting: true, finalizers: ['example.com/keep'], dependents: [{ uid: 'd', blocking: true }] }), { kind: 'none' });
});
