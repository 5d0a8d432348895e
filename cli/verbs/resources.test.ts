import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allCategory, infoForObject, parsePodish, parseResourceArgs, parseSingle, resolveType } from './resources.js';
import { CliError } from './errors.js';

test('aliases: short names, plurals, singulars, kinds, kind.group', () => {
  for (const a of ['deploy', 'deployments', 'deployment', 'Deployment', 'deployment.apps']) assert.equal(resolveType(a).resource, 'deployments');
  assert.equal(resolveType('svc').resource, 'services');
  assert.equal(resolveType('po').kind, 'Pod');
  assert.equal(resolveType('hpa').version, 'v2');
  assert.throws(() => resolveType('nope'), (e: Error) => e instanceof CliError && e.message === 'the server doesn\'t have a resource type "nope"');
});

test('TYPE[,TYPE] NAME... and TYPE/NAME forms', () => {
  const r = parseResourceArgs(['deploy,svc', 'web', 'db']);
  assert.deepEqual(r.map((x) => [x.info.resource, x.names]), [['deployments', ['web', 'db']], ['services', ['web', 'db']]]);
  const s = parseResourceArgs(['deploy/web', 'svc/web', 'deploy/db']);
  assert.deepEqual(s.map((x) => [x.info.resource, x.names]), [['deployments', ['web', 'db']], ['services', ['web']]]);
  assert.throws(() => parseResourceArgs(['deploy/web', 'db']), CliError);
});

test('all: the "all" category once per resource', () => {
  const names = allCategory().map((r) => r.resource);
  assert.ok(names.includes('pods') && names.includes('services') && names.includes('deployments'));
  assert.equal(names.filter((n) => n === 'horizontalpodautoscalers').length, 1);
  assert.ok(!names.includes('configmaps'));
});

test('single targets and pod-ish targets', () => {
  assert.deepEqual(((r) => [r.info.resource, r.name])(parseSingle(['deploy/web'], 'scale')), ['deployments', 'web']);
  assert.deepEqual(((r) => [r.info.resource, r.name, r.rest])(parseSingle(['deploy', 'web', 'x'], 'scale')), ['deployments', 'web', ['x']]);
  assert.equal(parsePodish('web-0').info.resource, 'pods');
  assert.equal(parsePodish('svc/web').info.resource, 'services');
});

test('manifests map by apiVersion and kind', () => {
  assert.equal(infoForObject({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: {} }).version, 'v1');
  assert.throws(() => infoForObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, 'w.yaml'), /no matches for kind "Widget" in version "example.com\/v1"/);
});
