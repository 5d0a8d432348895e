import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RESOURCES } from '../api/resources.js';
import { openApiPath, openApiV3Doc, openApiV3DocForPath, openApiV3Root, schemaName } from './openapi.js';

interface Param {
  name: string;
  in: string;
}
interface PatchOp {
  parameters: Param[];
  requestBody?: unknown;
  'x-kubernetes-group-version-kind': { group: string; version: string; kind: string };
}

test('root lists every group-version with a hash-pinned URL', () => {
  const root = openApiV3Root();
  for (const p of ['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/autoscaling/v2', 'apis/autoscaling/v1', 'apis/rbac.authorization.k8s.io/v1']) {
    const entry = root.paths[p];
    assert.ok(entry, p);
    const hash = openApiV3DocForPath(p)?.hash;
    assert.match(hash ?? '', /^[0-9A-F]{128}$/);
    assert.equal(entry.serverRelativeURL, `/openapi/v3/${p}?hash=${hash}`);
  }
  const gvs = new Set(RESOURCES.map((r) => openApiPath(r.group, r.version)));
  assert.deepEqual(Object.keys(root.paths).sort(), [...gvs].sort());
});

test('each kind has a PATCH with its GVK and a fieldValidation query parameter, and no SMP request body', () => {
  for (const r of RESOURCES) {
    const entry = openApiV3Doc(r.group, r.version);
    assert.ok(entry, `${r.group}/${r.version}`);
    const ops = Object.values(entry.doc.paths)
      .map((item) => item['patch'] as unknown as PatchOp | undefined)
      .filter((op): op is PatchOp => op !== undefined);
    const op = ops.find((o) => o['x-kubernetes-group-version-kind'].kind === r.kind);
    assert.ok(op, r.kind);
    assert.deepEqual(op['x-kubernetes-group-version-kind'], { group: r.group, version: r.version, kind: r.kind });
    assert.ok(op.parameters.some((p) => p.name === 'fieldValidation' && p.in === 'query'), r.kind);
    assert.equal(op.requestBody, undefined);
  }
});

test('paths and schemas are named like Kubernetes', () => {
  const apps = openApiV3Doc('apps', 'v1')?.doc;
  assert.equal(apps?.openapi, '3.0.0');
  assert.ok(apps?.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']);
  assert.ok(openApiV3Doc('', 'v1')?.doc.paths['/api/v1/nodes/{name}']);
  assert.equal(schemaName({ group: 'apps', version: 'v1', kind: 'Deployment' }), 'io.k8s.api.apps.v1.Deployment');
  assert.equal(schemaName({ group: '', version: 'v1', kind: 'Pod' }), 'io.k8s.api.core.v1.Pod');
  assert.equal(schemaName({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role' }), 'io.k8s.api.rbac.v1.Role');
  const schema = apps?.components.schemas['io.k8s.api.apps.v1.Deployment'];
  assert.equal(schema?.['type'], 'object');
  assert.equal(schema?.['x-kubernetes-preserve-unknown-fields'], true);
  assert.deepEqual(schema?.['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
  const props = schema?.['properties'] as Record<string, Record<string, unknown>>;
  for (const p of ['spec', 'status', 'metadata']) assert.equal(props[p]?.['x-kubernetes-preserve-unknown-fields'], true, p);
});

test('hash is stable and content-derived; unknown group-versions are undefined', () => {
  const a = openApiV3Doc('apps', 'v1');
  const b = openApiV3Doc('apps', 'v1');
  assert.equal(a?.hash, b?.hash);
  assert.notEqual(a?.hash, openApiV3Doc('batch', 'v1')?.hash);
  assert.equal(openApiV3Doc('apps', 'v9'), undefined);
  assert.equal(openApiV3DocForPath('apis/nope/v1'), undefined);
  assert.equal(openApiV3DocForPath('/apis/apps/v1'), a);
  assert.equal(openApiV3DocForPath('version'), undefined);
});
