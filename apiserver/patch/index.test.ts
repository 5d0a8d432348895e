import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchError, applyPatch, mediaTypeOf, parseApplyBody, serverSideApply } from './index.js';
import { DEPLOYMENT_GVK, at, deployment } from './testdata.js';
import { deepClone } from './json.js';

function rejects(fn: () => unknown, status: number, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof PatchError && e instanceof Error && e.status === status && re.test(e.message));
}

test('dispatches on the media type, ignoring parameters', () => {
  assert.equal(mediaTypeOf('Application/Merge-Patch+JSON; charset=utf-8'), 'application/merge-patch+json');
  const merged = applyPatch('application/merge-patch+json; charset=utf-8', deployment(), '{"spec":{"replicas":5}}', DEPLOYMENT_GVK);
  assert.equal(at(merged, 'spec', 'replicas'), 5);

  const json = applyPatch('application/json-patch+json', deployment(), Buffer.from('[{"op":"replace","path":"/spec/replicas","value":7}]'), DEPLOYMENT_GVK);
  assert.equal(at(json, 'spec', 'replicas'), 7);

  const body = '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],"containers":[{"image":"nginx:1.26","name":"nginx"}]}}}}';
  const smp = applyPatch('application/strategic-merge-patch+json', deployment(), body, DEPLOYMENT_GVK);
  assert.equal(at(smp, 'spec', 'template', 'spec', 'containers', 0, 'image'), 'nginx:1.26');
  assert.equal((at(smp, 'spec', 'template', 'spec', 'containers', 0, 'env') as unknown[]).length, 2);

  // The same list through merge patch is replaced, which is why the type matters.
  const plain = applyPatch('application/merge-patch+json', deployment(), '{"spec":{"template":{"spec":{"containers":[{"image":"nginx:1.26","name":"nginx"}]}}}}', DEPLOYMENT_GVK);
  assert.equal(at(plain, 'spec', 'template', 'spec', 'containers', 0, 'env'), undefined);
});

test('bad bodies and unknown types are PatchErrors with HTTP statuses', () => {
  rejects(() => applyPatch('application/merge-patch+json', deployment(), '{"spec":', DEPLOYMENT_GVK), 400, /error decoding patch/);
  rejects(() => applyPatch('application/merge-patch+json', deployment(), '[1]', DEPLOYMENT_GVK), 400, /must be a JSON object/);
  rejects(() => applyPatch('application/strategic-merge-patch+json', deployment(), '"x"', DEPLOYMENT_GVK), 400, /must be a JSON object/);
  rejects(() => applyPatch('text/plain', deployment(), '{}', DEPLOYMENT_GVK), 415, /unknown format.*application\/json-patch\+json/);
  rejects(() => applyPatch('application/json-patch+json', deployment(), '[{"op":"remove","path":"/metadata"}]', DEPLOYMENT_GVK), 422, /metadata/);
  rejects(
    () => applyPatch('application/json-patch+json', deployment(), '[{"op":"test","path":"/spec/replicas","value":3}]', DEPLOYMENT_GVK),
    422, /testing value \/spec\/replicas failed/,
  );
});

test('apply bodies parse as YAML or JSON', () => {
  const yaml = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  paused: false\n';
  const fromYaml = parseApplyBody(Buffer.from(yaml));
  assert.deepEqual(fromYaml, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3, paused: false } });
  assert.deepEqual(parseApplyBody(JSON.stringify(fromYaml)), fromYaml);
  assert.deepEqual(parseApplyBody('kind: ConfigMap\napiVersion: v1\ndata: {a: "1"}').metadata, {});
  rejects(() => parseApplyBody('- a\n- b'), 400, /single object/);
  rejects(() => parseApplyBody('a: [1'), 400, /error decoding YAML/);

  const { object } = serverSideApply(undefined, fromYaml, { manager: 'kubectl', force: false, now: '2024-05-01T10:00:00Z', gvk: DEPLOYMENT_GVK });
  assert.equal(object.metadata.managedFields?.[0].manager, 'kubectl');
});

test('deepClone copies JSON values deeply and keeps undefined members', () => {
  const v = { a: [1, { b: null, c: undefined }], d: 'x', e: { f: true } };
  const c = deepClone(v);
  assert.deepEqual(c, v);
  assert.ok(Object.hasOwn(c.a[1] as object, 'c'));
  assert.notEqual(c.a, v.a);
  assert.notEqual(c.e, v.e);
  assert.equal(deepClone(5), 5);
  assert.equal(deepClone(null), null);
  assert.equal(deepClone(undefined), undefined);
});
