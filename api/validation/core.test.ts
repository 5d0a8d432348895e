import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Loose } from './testing.js';
import { clone, createErrors, lines, statusErrors, template, updateErrors } from './testing.js';
import { base64ErrorOffset } from './core.js';

function obj(kind: string, body: Loose = {}, name = 'x'): Loose {
  return { apiVersion: 'v1', kind, metadata: { name, namespace: 'default' }, ...body };
}

test('configmap: keys, no key in both data and binaryData, ≤ 1 MiB', () => {
  assert.deepEqual(createErrors(obj('ConfigMap', { data: { 'app.conf': 'x', KEY_1: 'y' }, binaryData: { 'b.bin': 'AAEC' } })), []);
  assert.deepEqual(lines(createErrors(obj('ConfigMap', { data: { 'a/b': 'x', dup: 'y' }, binaryData: { dup: 'AA==' } }))), [
    "data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    'data[dup]: Invalid value: "dup": duplicate of key present in binaryData',
  ]);
  assert.deepEqual(lines(createErrors(obj('ConfigMap', { data: { big: 'x'.repeat(1024 * 1024 + 1) } }))), ['[]: Too long: may not be more than 1048576 bytes']);
});

test('secret: keys, base64 values, size, typed keys', () => {
  assert.deepEqual(createErrors(obj('Secret', { data: { password: 'cGFzcw==' }, stringData: { user: 'admin' } })), []);
  assert.deepEqual(lines(createErrors(obj('Secret', { data: { '..x': 'cGFzcw==', bad: 'not base64!' } }))), [
    'data[..x]: Invalid value: "..x": must not start with \'..\'',
    'data[bad]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 3',
  ]);
  assert.deepEqual(lines(createErrors(obj('Secret', { type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } }))), ['data[tls.key]: Required value']);
  assert.deepEqual(lines(createErrors(obj('Secret', { type: 'kubernetes.io/service-account-token' }))),
    ['metadata.annotations[kubernetes.io/service-account.name]: Required value']);
  const big = Buffer.alloc(1024 * 1024 + 1).toString('base64');
  assert.deepEqual(lines(createErrors(obj('Secret', { data: { big } }))), ['data: Too long: may not be more than 1048576 bytes']);
});

test('base64 offsets follow Go', () => {
  assert.equal(base64ErrorOffset('aGVsbG8='), undefined);
  assert.equal(base64ErrorOffset('aGVs\nbG8='), undefined);
  assert.equal(base64ErrorOffset(''), undefined);
  assert.equal(base64ErrorOffset('aGVsbG8'), 4);
  assert.equal(base64ErrorOffset('a=bc'), 1);
  assert.equal(base64ErrorOffset('aGVsbG8=aGVs'), 7);
});

test('immutable configmaps and secrets reject data changes', () => {
  const old = obj('ConfigMap', { data: { a: '1' }, immutable: true });
  createErrors(old);
  const relabeled = clone(old);
  relabeled.metadata.labels = { x: 'y' };
  assert.deepEqual(updateErrors(relabeled, old), []);
  const next = clone(old);
  next.data.a = '2';
  next.immutable = false;
  assert.deepEqual(lines(updateErrors(next, old)), [
    'immutable: Forbidden: field is immutable when `immutable` is set',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
  const secret = obj('Secret', { data: { a: 'eA==' }, immutable: true });
  createErrors(secret);
  const changed = clone(secret);
  changed.data.a = 'eQ==';
  changed.type = 'kubernetes.io/tls';
  assert.deepEqual(updateErrors(changed, secret).map((e) => e.field), ['data[tls.crt]', 'data[tls.key]', 'type', 'data']);
});

test('namespace: finalizer names; status phase follows deletion', () => {
  const ns: Loose = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' }, spec: { finalizers: ['kubernetes', 'example.com/x'] } };
  assert.deepEqual(createErrors(ns), []);
  ns.spec.finalizers = ['custom'];
  assert.deepEqual(lines(createErrors(ns)), ['spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified']);
  const old = clone(ns);
  const terminating = clone(ns);
  terminating.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
  old.metadata.deletionTimestamp = terminating.metadata.deletionTimestamp;
  terminating.status = { phase: 'Active' };
  assert.deepEqual(lines(statusErrors(terminating, old)), ["status.Phase: Invalid value: \"Active\": may only be 'Terminating' if `deletionTimestamp` is not empty"]);
  terminating.status.phase = 'Terminating';
  assert.deepEqual(statusErrors(terminating, old), []);
});

test('node: pod CIDRs and taints; CIDRs set once', () => {
  const node: Loose = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, spec: { podCIDR: '10.244.1.0/24', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } };
  assert.deepEqual(createErrors(node), []);
  const bad = clone(node);
  bad.spec = { podCIDR: '10.244.1.0', podCIDRs: ['10.244.1.0'], taints: [{ key: 'a', effect: 'Sometimes' }, { key: 'a', effect: 'NoSchedule' }, { key: 'a', effect: 'NoSchedule' }] };
  assert.deepEqual(createErrors(bad).map((e) => e.field), ['spec.podCIDR', 'spec.podCIDRs[0]', 'spec.taints[0].effect', 'spec.taints[2]']);
  const moved = clone(node);
  moved.spec.podCIDR = '10.244.2.0/24';
  moved.spec.podCIDRs = ['10.244.2.0/24'];
  assert.deepEqual(lines(updateErrors(moved, node)), ['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid']);
  const fresh: Loose = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2' } };
  createErrors(fresh);
  const assigned = clone(fresh);
  assigned.spec.podCIDR = '10.244.3.0/24';
  assert.deepEqual(updateErrors(assigned, fresh), []);
});

test('event: namespace agrees with the involved object; identity immutable', () => {
  const ev = obj('Event', { involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'Started', count: 1 }, 'p.1');
  assert.deepEqual(createErrors(ev), []);
  const other = clone(ev);
  other.involvedObject.namespace = 'kube-system';
  assert.deepEqual(lines(createErrors(other)), ['involvedObject.namespace: Invalid value: "kube-system": does not match event.namespace']);
  const newStyle = clone(ev);
  newStyle.eventTime = '2025-01-01T00:00:00.000000Z';
  // Like Kubernetes, an empty reportingComponent is also reported as a malformed qualified name.
  assert.deepEqual([...new Set(createErrors(newStyle).map((e) => e.field))], ['reportingComponent', 'reportingInstance', 'action']);
  const bumped = clone(ev);
  bumped.count = 2;
  bumped.lastTimestamp = '2025-01-01T00:00:00Z';
  assert.deepEqual(updateErrors(bumped, ev), []);
  bumped.reason = 'Killed';
  assert.deepEqual(lines(updateErrors(bumped, ev)), ['reason: Invalid value: "Killed": field is immutable']);
});

test('replication controller: selector map matches template', () => {
  const rc = obj('ReplicationController', { spec: { selector: { app: 'web' }, template: template() } });
  assert.deepEqual(createErrors(rc), []);
  const bad = obj('ReplicationController', { spec: { selector: { app: 'x' }, template: template() } });
  assert.deepEqual(lines(createErrors(bad)), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`']);
});

test('service accounts only need a name', () => {
  assert.deepEqual(createErrors(obj('ServiceAccount', {}, 'builder')), []);
  assert.equal(createErrors(obj('ServiceAccount', {}, 'Builder'))[0].field, 'metadata.name');
});
