import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonpath, JsonPathError, parseJsonPath, selectValues } from './jsonpath.js';

const list = {
  kind: 'List',
  items: [
    { metadata: { name: 'a', labels: { app: 'web', 'app.kubernetes.io/name': 'x' } }, spec: { containers: [{ name: 'c1', image: 'nginx' }, { name: 'c2', image: 'envoy' }] }, status: { phase: 'Running', restarts: 2 } },
    { metadata: { name: 'b' }, spec: { containers: [{ name: 'c1', image: 'busybox' }] }, status: { phase: 'Pending', restarts: 0 } },
  ],
};

test('fields, wildcards and several results joined by a space', () => {
  assert.equal(jsonpath('{.items[*].metadata.name}', list), 'a b');
  assert.equal(jsonpath('{.items[0].spec.containers[*].image}', list), 'nginx envoy');
  assert.equal(jsonpath('{.kind}', list), 'List');
});

test('literal text and string literals with escapes', () => {
  assert.equal(jsonpath('name={.items[1].metadata.name}{"\\n"}', list), 'name=b\n');
  assert.equal(jsonpath("{'x'}{\"\\t\"}y", list), 'x\ty');
});

test('range ... end', () => {
  assert.equal(
    jsonpath('{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}', list),
    'a\tRunning\nb\tPending\n',
  );
  assert.equal(jsonpath('{range .items[*]}[{range .spec.containers[*]}{.name},{end}]{end}', list), '[c1,c2,][c1,]');
});

test('indexes, negative indexes and slices', () => {
  assert.equal(jsonpath('{.items[-1].metadata.name}', list), 'b');
  assert.equal(jsonpath('{.items[0].spec.containers[0:1].name}', list), 'c1');
  assert.equal(jsonpath('{.items[0].spec.containers[1:].name}', list), 'c2');
});

test('filters', () => {
  assert.equal(jsonpath('{.items[?(@.status.phase=="Running")].metadata.name}', list), 'a');
  assert.equal(jsonpath('{.items[?(@.status.restarts>1)].metadata.name}', list), 'a');
  assert.equal(jsonpath('{.items[?(@.metadata.labels)].metadata.name}', list), 'a');
});

test('recursive descent, unions and escaped dots', () => {
  assert.equal(jsonpath('{..image}', list), 'nginx envoy busybox');
  assert.equal(jsonpath("{.items[0].metadata['name','labels']}", list), 'a {"app":"web","app.kubernetes.io/name":"x"}');
  assert.equal(jsonpath('{.items[0].metadata.labels.app\\.kubernetes\\.io/name}', list), 'x');
});

test('maps and lists print as JSON, numbers plainly, missing keys as nothing', () => {
  assert.equal(jsonpath('{.items[1].spec.containers}', list), '[{"image":"busybox","name":"c1"}]');
  assert.equal(jsonpath('{.items[0].status.restarts}', list), '2');
  assert.equal(jsonpath('{.items[0].nope}', list), '');
  assert.equal(jsonpath('{$.kind}', list), 'List');
});

test('errors for broken templates', () => {
  assert.throws(() => parseJsonPath('{.items[0'), JsonPathError);
  assert.throws(() => parseJsonPath('{range .items[*]}x'), JsonPathError);
  assert.throws(() => parseJsonPath('{end}'), JsonPathError);
});

test('selectValues gives the raw values (custom-columns uses them)', () => {
  assert.deepEqual(selectValues(parseJsonPath('{.items[*].status.restarts}'), list), [2, 0]);
});
