import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errors } from './errors.js';
import { findByKind } from './resources.js';
import { validateCreate, validateStatusUpdate, validateUpdate } from './validation.js';
import type { Loose } from './validation/testing.js';
import { clone, createErrors, deployment, lines, pod, service, updateErrors } from './validation/testing.js';

const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

test('a valid object has no errors', () => {
  assert.deepEqual(createErrors(deployment()), []);
  assert.deepEqual(createErrors(pod()), []);
  assert.deepEqual(createErrors(service()), []);
});

test('name or generateName is required', () => {
  const p = pod();
  delete p.metadata.name;
  assert.deepEqual(lines(createErrors(p)), ['metadata.name: Required value: name or generateName is required']);
  p.metadata.generateName = 'web-';
  assert.deepEqual(createErrors(p), []);
  p.metadata.generateName = 'Web-';
  assert.equal(createErrors(p)[0].field, 'metadata.generateName');
});

test('name format depends on the kind', () => {
  const p = pod('Bad_Name');
  assert.deepEqual(lines(createErrors(p)), [`metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN_MSG}`]);
  assert.deepEqual(createErrors(pod('a.b.c')), []);
  // Namespaces are DNS labels: no dots.
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } };
  assert.deepEqual(lines(createErrors(ns)), ['metadata.name: Invalid value: "a.b": must not contain dots']);
  // Services are DNS-1035 labels: no leading digit.
  const svc = service('1web');
  assert.match(createErrors(svc)[0].message, /^Invalid value: "1web": a DNS-1035 label must consist of/);
  assert.equal(createErrors(pod('x'.repeat(254)))[0].message, `Invalid value: "${'x'.repeat(254)}": must be no more than 253 characters`);
  // RBAC names only need to be path segments.
  const role = { apiVersion: 'rbac.authorization.k8s.io', kind: 'Role', metadata: { name: 'system:Admin' }, rules: [] };
  role.apiVersion = 'rbac.authorization.k8s.io/v1';
  assert.deepEqual(createErrors(role), []);
  role.metadata.name = 'a/b';
  assert.deepEqual(lines(createErrors(role)), ['metadata.name: Invalid value: "a/b": may not contain \'/\'']);
});

test('labels and annotations are validated', () => {
  const p = pod();
  p.metadata.labels = { 'app/x/y': 'ok', tier: 'bad value' };
  p.metadata.annotations = { 'Example.com/Note': 'fine', '-bad': 'x' };
  const errs = createErrors(p);
  assert.deepEqual(errs.map((e) => e.field), ['metadata.labels', 'metadata.labels', 'metadata.annotations']);
  assert.match(errs[1].message, /^Invalid value: "bad value": a valid label must be/);
});

test('annotations may total at most 256 KiB', () => {
  const p = pod();
  p.metadata.annotations = { big: 'x'.repeat(256 * 1024) };
  assert.deepEqual(lines(createErrors(p)), ['metadata.annotations: Too long: may not be more than 262144 bytes']);
  p.metadata.annotations = { big: 'x'.repeat(256 * 1024 - 3) };
  assert.deepEqual(createErrors(p), []);
});

test('ownerReferences need their fields and at most one controller', () => {
  const p = pod();
  const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true };
  p.metadata.ownerReferences = [ref];
  assert.deepEqual(createErrors(p), []);
  p.metadata.ownerReferences = [ref, { ...ref, name: 'rs2', uid: 'u2' }, { apiVersion: '', kind: 'X', name: '', uid: '' }];
  const errs = lines(createErrors(p));
  assert.equal(errs.length, 4);
  assert.match(errs[0], /^metadata\.ownerReferences: Invalid value: \[\]v1\.OwnerReference\{.*\}: Only one reference can have Controller set to true\. Found "true" in references for ReplicaSet\/rs and ReplicaSet\/rs2$/);
  assert.deepEqual(errs.slice(1), [
    'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
    'metadata.ownerReferences.name: Invalid value: "": must not be empty',
    'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
  ]);
});

test('finalizers: qualified names, orphan and foregroundDeletion exclusive', () => {
  const p = pod();
  p.metadata.finalizers = ['example.com/cleanup', 'orphan', 'foregroundDeletion'];
  assert.deepEqual(lines(createErrors(p)), [
    'metadata.finalizers: Invalid value: []string{"example.com/cleanup", "orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set',
  ]);
});

test('every invalid field is reported at once, and the 422 reads like Kubernetes', () => {
  const d = deployment('Web');
  d.spec.replicas = -1;
  d.spec.template.metadata.labels = { app: 'other' };
  d.spec.template.spec.containers[0].image = '';
  d.spec.template.spec.containers.push({ name: 'app', image: 'x', ports: [{ containerPort: 0 }] });
  const errs = createErrors(d);
  assert.deepEqual(lines(errs), [
    `metadata.name: Invalid value: "Web": ${SUBDOMAIN_MSG}`,
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`',
    'spec.template.spec.containers[0].image: Required value',
    'spec.template.spec.containers[1].ports[0].containerPort: Required value',
    'spec.template.spec.containers[1].name: Duplicate value: "app"',
  ]);
  const status = errors.invalid('Deployment', 'apps', 'Web', errs).status;
  assert.equal(status.code, 422);
  assert.equal(status.details?.causes?.length, 6);
  assert.equal(status.details?.causes?.[1].reason, 'FieldValueInvalid');
});

test('update: name, namespace, uid and creationTimestamp are immutable', () => {
  const old = pod();
  Object.assign(old.metadata, { uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z', resourceVersion: '5' });
  createErrors(old);
  const next = clone(old);
  Object.assign(next.metadata, { name: 'other', namespace: 'kube-system', uid: 'u2', creationTimestamp: '2025-01-01T00:00:00Z' });
  assert.deepEqual(lines(updateErrors(next, old)), [
    'metadata.name: Invalid value: "other": field is immutable',
    'metadata.namespace: Invalid value: "kube-system": field is immutable',
    'metadata.uid: Invalid value: "u2": field is immutable',
    'metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable',
  ]);
  // Missing identity fields are carried over by the server, not a change.
  const sparse = clone(old);
  delete sparse.metadata.uid;
  delete sparse.metadata.creationTimestamp;
  assert.deepEqual(updateErrors(sparse, old), []);
});

test('update: labels are still validated and no finalizers may be added while deleting', () => {
  const old = pod();
  createErrors(old);
  old.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
  const next = clone(old);
  next.metadata.labels = { 'bad key!': 'v' };
  next.metadata.finalizers = ['example.com/x'];
  const errs = updateErrors(next, old);
  assert.deepEqual(errs.map((e) => e.field), ['metadata.finalizers', 'metadata.labels']);
  assert.equal(errs[0].message, 'Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/x"}');
});

test('status updates only check metadata and status', () => {
  const old: Loose = pod();
  createErrors(old);
  const next = clone(old);
  next.spec.containers[0].image = '';
  const info = findByKind('v1', 'Pod')!;
  assert.deepEqual(validateStatusUpdate(next, old, info), []);
  next.metadata.name = 'renamed';
  assert.equal(validateStatusUpdate(next, old, info)[0].field, 'metadata.name');
});

test('unknown kinds get metadata checks only, and garbage never throws', () => {
  const info = { ...findByKind('v1', 'ConfigMap')!, kind: 'Widget', group: 'example.com' };
  assert.deepEqual(validateCreate({ metadata: { name: 'w' }, spec: 42 } as Loose, info), []);
  const podInfo = findByKind('v1', 'Pod')!;
  const garbage: Loose = { metadata: { name: 'g' }, spec: { containers: 'nope', volumes: [null, 3], initContainers: [{ ports: 'x' }] } };
  const errs = validateCreate(garbage, podInfo);
  assert.ok(errs.length > 0);
  assert.ok(errs.every((e) => e.type !== 'InternalError'), JSON.stringify(errs));
  assert.ok(validateUpdate(garbage, { metadata: { name: 'g' } } as Loose, podInfo).every((e) => e.type !== 'InternalError'));
});
