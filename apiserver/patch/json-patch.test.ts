import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch } from './json-patch.js';
import { PatchError } from './errors.js';
import { at, deployment } from './testdata.js';

function rejects(fn: () => unknown, status: number, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof PatchError, `expected PatchError, got ${String(e)}`);
    assert.equal(e.status, status);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

test('add, replace, remove', () => {
  const out = applyJsonPatch(deployment(), [
    { op: 'add', path: '/metadata/labels/env', value: 'prod' },
    { op: 'replace', path: '/spec/replicas', value: 4 },
    { op: 'remove', path: '/spec/template/spec/tolerations' },
    { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'NEW', value: '1' } },
  ]);
  assert.equal(at(out, 'metadata', 'labels', 'env'), 'prod');
  assert.equal(at(out, 'spec', 'replicas'), 4);
  assert.equal(at(out, 'spec', 'template', 'spec', 'tolerations'), undefined);
  assert.deepEqual(at(out, 'spec', 'template', 'spec', 'containers', 0, 'env', 2), { name: 'NEW', value: '1' });
});

test('a passing test op lets the patch through; move and copy work', () => {
  const out = applyJsonPatch(deployment(), [
    { op: 'test', path: '/spec/replicas', value: 2 },
    { op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copied' },
    { op: 'move', from: '/metadata/labels/tier', path: '/metadata/labels/layer' },
  ]);
  assert.deepEqual(at(out, 'metadata', 'labels'), { app: 'web', copied: 'web', layer: 'frontend' });
});

test('kubectl rollout undo: replace /spec/template and /metadata/annotations', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.24' }] } };
  const out = applyJsonPatch(deployment(), [
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '3' } },
  ]);
  assert.deepEqual(at(out, 'spec', 'template'), template);
  assert.deepEqual(at(out, 'metadata', 'annotations'), { 'deployment.kubernetes.io/revision': '3' });
});

test('a failing test op rejects the whole patch', () => {
  const original = deployment();
  const snapshot = structuredClone(original);
  rejects(
    () => applyJsonPatch(original, [
      { op: 'replace', path: '/spec/replicas', value: 9 },
      { op: 'test', path: '/metadata/labels/app', value: 'api' },
    ]),
    422,
    'testing value /metadata/labels/app failed: test failed',
  );
  assert.deepEqual(original, snapshot);
});

test('operations on missing paths say which path is missing', () => {
  rejects(() => applyJsonPatch(deployment(), [{ op: 'replace', path: '/spec/foo', value: 1 }]), 422,
    'jsonpatch replace operation does not apply: doc is missing path: /spec/foo');
  rejects(() => applyJsonPatch(deployment(), [{ op: 'remove', path: '/spec/paused' }]), 422,
    'jsonpatch remove operation does not apply: doc is missing path: /spec/paused');
  rejects(() => applyJsonPatch(deployment(), [{ op: 'add', path: '/spec/nope/deeper', value: 1 }]), 422,
    'jsonpatch add operation does not apply: doc is missing path: /spec/nope/deeper');
  rejects(() => applyJsonPatch(deployment(), [{ op: 'move', from: '/spec/nope', path: '/spec/x' }]), 422,
    'jsonpatch move operation does not apply: doc is missing from path: /spec/nope');
  rejects(() => applyJsonPatch(deployment(), [{ op: 'replace', path: '/spec/template/spec/containers/5/image', value: 'x' }]), 422,
    /doc is missing path: \/spec\/template\/spec\/containers\/5\/image/);
});

test('malformed operations are bad requests', () => {
  rejects(() => applyJsonPatch(deployment(), { op: 'add' }), 400, /must be a JSON array/);
  rejects(() => applyJsonPatch(deployment(), [{ op: 'frobnicate', path: '/spec' }]), 400, 'Unexpected kind: frobnicate');
  rejects(() => applyJsonPatch(deployment(), [{ op: 'add', path: '/spec/x' }]), 400, /missing "value"/);
  rejects(() => applyJsonPatch(deployment(), [{ op: 'copy', path: '/spec/x' }]), 400, /missing "from"/);
  rejects(() => applyJsonPatch(deployment(), [{ op: 'add', path: 'spec', value: 1 }]), 400, /invalid path/);
  rejects(() => applyJsonPatch(deployment(), ['x']), 400, /not an object/);
});

test('the input document and operations are not mutated', () => {
  const original = deployment();
  const snapshot = structuredClone(original);
  const value = { name: 'sidecar', image: 'envoy' };
  const ops = [{ op: 'add', path: '/spec/template/spec/containers/-', value }];
  const out = applyJsonPatch(original, ops) as { spec: { template: { spec: { containers: { image: string }[] } } } };
  assert.deepEqual(original, snapshot);
  out.spec.template.spec.containers[1].image = 'changed';
  assert.equal(value.image, 'envoy');
});
