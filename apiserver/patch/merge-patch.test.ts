import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergePatch } from './merge-patch.js';
import { at, deployment } from './testdata.js';

test('RFC 7386 appendix A examples', () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [original, patch, expected] of cases) assert.deepEqual(mergePatch(original, patch), expected);
});

test('kubectl scale: {"spec":{"replicas":5}} keeps the rest of spec', () => {
  const out = mergePatch(deployment(), { spec: { replicas: 5 } });
  assert.equal(at(out, 'spec', 'replicas'), 5);
  assert.deepEqual(at(out, 'spec', 'template'), at(deployment(), 'spec', 'template'));
});

test('kubectl label / annotate: add, overwrite and remove with null', () => {
  const out = mergePatch(deployment(), { metadata: { labels: { tier: null, env: 'prod' }, annotations: { note: 'x' } } });
  assert.deepEqual(at(out, 'metadata', 'labels'), { app: 'web', env: 'prod' });
  assert.deepEqual(at(out, 'metadata', 'annotations'), { 'deployment.kubernetes.io/revision': '1', note: 'x' });
});

test('lists are replaced wholesale, even keyed ones', () => {
  const out = mergePatch(deployment(), { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } } } });
  assert.deepEqual(at(out, 'spec', 'template', 'spec', 'containers'), [{ name: 'nginx', image: 'nginx:1.26' }]);
});

test('neither input is mutated nor aliased by the result', () => {
  const original = deployment();
  const snapshot = structuredClone(original);
  const patch = { metadata: { labels: { tier: null } }, spec: { selector: { matchLabels: { extra: 'y' } } } };
  const patchSnapshot = structuredClone(patch);
  const out = mergePatch(original, patch) as { spec: { template: { metadata: { labels: Record<string, string> } } } };
  assert.deepEqual(original, snapshot);
  assert.deepEqual(patch, patchSnapshot);
  out.spec.template.metadata.labels.changed = 'yes';
  assert.deepEqual(original, snapshot);
});

test('shareOriginal: untouched subtrees are shared, touched maps are copies, the original is unchanged', () => {
  const original = deployment();
  const snapshot = structuredClone(original);
  const out = mergePatch(original, { spec: { replicas: 9 }, metadata: { labels: { tier: null } } }, true) as typeof original;
  assert.deepEqual(original, snapshot);
  assert.equal(at(out, 'spec', 'replicas'), 9);
  assert.notEqual(out.spec, original.spec);
  assert.equal(at(out, 'spec', 'template'), at(original, 'spec', 'template'));
  assert.deepEqual(at(out, 'metadata', 'labels'), { app: 'web' });
});
