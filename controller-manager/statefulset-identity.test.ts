import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  claimsFor, identityLabelsPatch, identityMatches, inRange, isMemberOf, newStatefulSetPod, parentAndOrdinal, storageMatches,
} from './statefulset-identity.js';
import { REF, statefulSet } from './statefulset-testutil.js';

test('parentAndOrdinal splits at the last dash followed only by digits', () => {
  assert.deepEqual(parentAndOrdinal('web-0'), { parent: 'web', ordinal: 0 });
  assert.deepEqual(parentAndOrdinal('my-db-12'), { parent: 'my-db', ordinal: 12 });
  assert.deepEqual(parentAndOrdinal('web'), { parent: '', ordinal: -1 });
  assert.deepEqual(parentAndOrdinal('web-x1'), { parent: '', ordinal: -1 });
});

test('membership is by name: web-db-0 is not a pod of web', () => {
  const set = statefulSet();
  const pod = newStatefulSetPod(set, 0, 'r1', REF);
  assert.equal(isMemberOf(set, pod), true);
  pod.metadata.name = 'web-db-0';
  assert.equal(isMemberOf(set, pod), false);
});

test('a new pod: stable name, hostname, subdomain, identity labels, revision, owner', () => {
  const set = statefulSet();
  const pod = newStatefulSetPod(set, 2, 'web-abc', REF);
  assert.equal(pod.metadata.name, 'web-2');
  assert.equal(pod.metadata.generateName, undefined);
  assert.equal(pod.metadata.namespace, 'default');
  assert.equal(pod.spec.hostname, 'web-2');
  assert.equal(pod.spec.subdomain, 'web');
  assert.deepEqual(pod.metadata.labels, {
    app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-2', 'apps.kubernetes.io/pod-index': '2', 'controller-revision-hash': 'web-abc',
  });
  assert.deepEqual(pod.metadata.ownerReferences, [REF]);
  assert.equal(identityMatches(set, pod), true);
  assert.equal(storageMatches(set, pod), true);
});

test('claim volumes replace template volumes of the same name; others are kept', () => {
  const set = statefulSet();
  const pod = newStatefulSetPod(set, 1, 'r', REF);
  assert.deepEqual(pod.spec.volumes, [
    { name: 'www', persistentVolumeClaim: { claimName: 'www-web-1' } },
    { name: 'cfg', emptyDir: {} },
  ]);
  const noSub = statefulSet({ serviceName: undefined });
  assert.equal(newStatefulSetPod(noSub, 0, 'r', REF).spec.subdomain, undefined);
});

test('claims: `<template>-<set>-<ordinal>`, template labels plus the selector, spec copied', () => {
  const set = statefulSet();
  set.spec.volumeClaimTemplates![0].metadata!.labels = { tier: 'data' };
  const [c] = claimsFor(set, 4);
  assert.equal(c.volume, 'www');
  assert.equal(c.claim.metadata.name, 'www-web-4');
  assert.equal(c.claim.metadata.namespace, 'default');
  assert.deepEqual(c.claim.metadata.labels, { tier: 'data', app: 'web' });
  assert.deepEqual(c.claim.spec.resources, { requests: { storage: '1Gi' } });
  c.claim.spec.accessModes!.push('ReadOnlyMany');
  assert.deepEqual(set.spec.volumeClaimTemplates![0].spec.accessModes, ['ReadWriteOnce'], 'a copy, not the template');
});

test('identity and storage drift are noticed', () => {
  const set = statefulSet();
  const pod = newStatefulSetPod(set, 0, 'r', REF);
  pod.metadata.labels!['apps.kubernetes.io/pod-index'] = '7';
  assert.equal(identityMatches(set, pod), false);
  assert.deepEqual(identityLabelsPatch(set, pod), { 'apps.kubernetes.io/pod-index': '0' });
  pod.spec.volumes = [{ name: 'www', emptyDir: {} }];
  assert.equal(storageMatches(set, pod), false);
});

test('inRange honours replicas and ordinals.start', () => {
  const set = statefulSet({ replicas: 2, ordinals: { start: 3 } });
  assert.deepEqual([2, 3, 4, 5].map((o) => inRange(set, o)), [false, true, true, false]);
});
