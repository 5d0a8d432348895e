import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonText, jsonTextWithoutManagedFields, objectTexts, rememberBatchJson } from './json-text.js';

test('jsonText answers from the latest batch and serializes anything else', () => {
  const stored = { kind: 'Pod', metadata: { name: 'a' } };
  rememberBatchJson([[stored, { full: '{"cached":true}', withoutManagedFields: '{"lean":true}' }]]);
  assert.equal(jsonText(stored), '{"cached":true}');
  assert.equal(jsonTextWithoutManagedFields(stored), '{"lean":true}');
  const other = { kind: 'Pod', metadata: { name: 'b' } };
  assert.equal(jsonText(other), JSON.stringify(other));
  assert.equal(jsonTextWithoutManagedFields(other), JSON.stringify(other));
  const uncached = { kind: 'Pod', metadata: { name: 'c', managedFields: [{ manager: 'm' }] }, spec: {} };
  assert.equal(jsonTextWithoutManagedFields(uncached), '{"kind":"Pod","metadata":{"name":"c"},"spec":{}}');
  assert.equal(jsonText('x'), '"x"');
  rememberBatchJson([]);
  assert.equal(jsonText(stored), JSON.stringify(stored), 'only the latest batch is kept');
});

const managedFields = [
  { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
  { manager: 'k"q\\', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:x': {} } } } },
];

test('objectTexts: the full text parses back to the object, the lean one to it without managedFields', () => {
  const pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', managedFields, labels: { x: 'y' }, resourceVersion: '7' },
    spec: { containers: [{ name: 'c', image: 'i' }], skipped: undefined },
    gone: undefined,
    status: { phase: 'Running' },
  };
  const { full, withoutManagedFields } = objectTexts(pod);
  assert.deepEqual(JSON.parse(full), JSON.parse(JSON.stringify(pod)));
  const { managedFields: _, ...leanMeta } = pod.metadata;
  assert.equal(withoutManagedFields, JSON.stringify({ ...pod, metadata: leanMeta }));
  // managedFields move to the end of metadata; everything else keeps its order
  assert.equal(full, JSON.stringify({ ...pod, metadata: { ...leanMeta, managedFields } }));
});

test('objectTexts: one text when there is nothing to leave out, and metadata holding only managedFields', () => {
  const plain = { kind: 'Status', metadata: {}, code: 404 };
  assert.deepEqual(objectTexts(plain), { full: JSON.stringify(plain), withoutManagedFields: JSON.stringify(plain) });
  const noMeta = { kind: 'Binding', target: { name: 'n' } };
  assert.deepEqual(objectTexts(noMeta), { full: JSON.stringify(noMeta), withoutManagedFields: JSON.stringify(noMeta) });
  const onlyManaged = { metadata: { managedFields }, data: { a: '1' } };
  const texts = objectTexts(onlyManaged);
  assert.equal(texts.full, JSON.stringify(onlyManaged));
  assert.equal(texts.withoutManagedFields, '{"metadata":{},"data":{"a":"1"}}');
  const metaFirstSkipped = { skipped: undefined, metadata: { managedFields, name: 'a' } };
  assert.deepEqual(JSON.parse(objectTexts(metaFirstSkipped).full), JSON.parse(JSON.stringify(metaFirstSkipped)));
  assert.equal(objectTexts(metaFirstSkipped).withoutManagedFields, '{"metadata":{"name":"a"}}');
});
