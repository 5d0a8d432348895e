import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Loose } from './testing.js';
import { clone, createErrors, lines, updateErrors } from './testing.js';

function pv(spec: Loose): Loose {
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec };
}

function pvc(spec: Loose): Loose {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec };
}

const CLAIM = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };

test('persistent volume: capacity.storage, one source, access modes', () => {
  assert.deepEqual(createErrors(pv({ capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } })), []);
  assert.deepEqual(createErrors(pv({
    capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], local: { path: '/mnt/disk' },
    nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } },
  })), []);
  assert.deepEqual(lines(createErrors(pv({ accessModes: ['ReadWriteSometimes'], hostPath: { path: '/a' }, local: { path: '/b' } }))), [
    'spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
    'spec.capacity: Required value',
    'spec.capacity: Unsupported value: {}: supported values: "storage"',
    'spec.local: Forbidden: may not specify more than 1 volume type',
  ]);
  assert.deepEqual(lines(createErrors(pv({ capacity: { storage: '0' }, accessModes: ['ReadWriteOnce'], local: { path: 'rel' } }))), [
    'spec.capacity[storage]: Invalid value: "0": must be greater than zero',
    'spec.local.path: Invalid value: "rel": must be an absolute path',
    'spec.nodeAffinity: Required value: Local volume requires node affinity',
  ]);
  assert.deepEqual(lines(createErrors(pv({ capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] }))), ['spec: Required value: must specify a volume type']);
});

test('persistent volume: source immutable', () => {
  const old = pv({ capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } });
  createErrors(old);
  const next = clone(old);
  next.spec.capacity.storage = '20Gi';
  next.spec.claimRef = { namespace: 'default', name: 'data' };
  assert.deepEqual(updateErrors(next, old), []);
  next.spec.hostPath.path = '/other';
  assert.deepEqual(lines(updateErrors(next, old)), ['spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation']);
});

test('claim: access modes and a storage request are required', () => {
  assert.deepEqual(createErrors(pvc(clone(CLAIM))), []);
  assert.deepEqual(lines(createErrors(pvc({ resources: {} }))), [
    'spec.accessModes: Required value: at least 1 access mode is required',
    'spec.resources[storage]: Required value',
  ]);
  assert.deepEqual(lines(createErrors(pvc({ accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'], resources: { requests: { storage: '-1Gi' } }, volumeMode: 'Raw' }))), [
    'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes',
    'spec.resources[storage]: Invalid value: "-1Gi": must be greater than zero',
    'spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"',
  ]);
});

test('claim update: only resources.requests (never smaller) and a first volumeName', () => {
  const old = pvc(clone(CLAIM));
  createErrors(old);
  const bigger = clone(old);
  bigger.spec.resources.requests.storage = '2Gi';
  bigger.spec.volumeName = 'pv1';
  assert.deepEqual(updateErrors(bigger, old), []);
  const smaller = clone(old);
  smaller.spec.resources.requests.storage = '512Mi';
  assert.deepEqual(lines(updateErrors(smaller, old)), ['spec.resources.requests.storage: Forbidden: field can not be less than previous value']);
  const modes = clone(old);
  modes.spec.accessModes = ['ReadWriteMany'];
  assert.deepEqual(lines(updateErrors(modes, old)),
    ['spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims']);
});

test('storage class: provisioner, policies, immutable parameters', () => {
  const sc: Loose = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' };
  assert.deepEqual(createErrors(sc), []);
  const bad: Loose = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'x' }, reclaimPolicy: 'Recycle', volumeBindingMode: 'Later' };
  assert.deepEqual(lines(createErrors(bad)), [
    'provisioner: Required value',
    'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
    'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
  ]);
  const next = clone(sc);
  next.parameters = { type: 'ssd' };
  assert.deepEqual(lines(updateErrors(next, sc)), ['parameters: Forbidden: updates to parameters are forbidden.']);
});
