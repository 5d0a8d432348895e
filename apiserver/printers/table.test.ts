import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RESOURCES } from '../../api/resources.js';
import { NOW, obj } from './testutil.js';
import { toTable } from './table.js';

const cm = obj('cfg', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' }, metadata: { labels: { app: 'x' } } });
const info = { group: '', resource: 'configmaps' };

test('Table envelope, list metadata and PartialObjectMetadata rows by default', () => {
  const t = toTable(info, [cm], { now: NOW, resourceVersion: '42', continue: 'tok' });
  assert.equal(t.kind, 'Table');
  assert.equal(t.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(t.metadata, { resourceVersion: '42', continue: 'tok' });
  for (const c of t.columnDefinitions) assert.deepEqual(Object.keys(c).sort(), ['description', 'format', 'name', 'priority', 'type']);
  assert.deepEqual(t.rows[0]?.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cm.metadata });
  // Round-trips through JSON unchanged: only plain data.
  assert.deepEqual(JSON.parse(JSON.stringify(t)), t);
});

test('includeObject Object and None; noHeaders', () => {
  assert.equal(toTable(info, [cm], { now: NOW, includeObject: 'Object' }).rows[0]?.object, cm);
  assert.equal('object' in (toTable(info, [cm], { now: NOW, includeObject: 'None' }).rows[0] ?? {}), false);
  const bare = toTable(info, [cm], { now: NOW, noHeaders: true });
  assert.deepEqual(bare.columnDefinitions, []);
  assert.deepEqual(bare.rows[0]?.cells, ['cfg', 1, '5m']);
});

test('unknown resources get Name and Age; an empty list still has columns', () => {
  const t = toTable({ group: 'example.com', resource: 'widgets' }, [obj('w', {})], { now: NOW });
  assert.deepEqual(t.columnDefinitions.map((c) => c.name), ['Name', 'Age']);
  assert.deepEqual(t.rows[0]?.cells, ['w', '5m']);
  const empty = toTable({ group: 'apps', resource: 'deployments' }, [], { now: NOW, resourceVersion: '1' });
  assert.equal(empty.columnDefinitions.length, 8);
  assert.deepEqual(empty.rows, []);
});

test('every served resource prints an empty object without throwing, one cell per column', () => {
  for (const { group, resource } of RESOURCES) {
    const t = toTable({ group, resource }, [{ metadata: {} }], { now: NOW });
    assert.equal(t.rows[0]?.cells.length, t.columnDefinitions.length, `${group}/${resource}`);
  }
});
