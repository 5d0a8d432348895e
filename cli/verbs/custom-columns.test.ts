import { test } from 'node:test';
import assert from 'node:assert/strict';
import { customColumnRows, goValue, parseCustomColumns, parseCustomColumnsFile } from './custom-columns.js';
import { formatRows } from './tabwriter.js';

const objs = [
  { metadata: { name: 'web', labels: { app: 'web' } }, spec: { containers: [{ image: 'nginx' }, { image: 'envoy' }] } },
  { metadata: { name: 'db' }, spec: { containers: [{ image: 'postgres' }] } },
];

test('one JSONPath per column; several values joined by commas; <none> when missing', () => {
  const cols = parseCustomColumns('NAME:.metadata.name,IMAGES:.spec.containers[*].image,APP:metadata.labels.app');
  assert.equal(formatRows(customColumnRows(cols, objs)), [
    'NAME   IMAGES        APP',
    'web    nginx,envoy   web',
    'db     postgres      <none>',
    '',
  ].join('\n'));
  assert.deepEqual(customColumnRows(cols, objs, true).length, 2);
});

test('braces are accepted, maps print like Go', () => {
  const cols = parseCustomColumns('L:{.metadata.labels}');
  assert.deepEqual(customColumnRows(cols, objs)[1], ['map[app:web]']);
  assert.equal(goValue([1, 'a']), '[1 a]');
});

test('a spec without a path fails; a file has headers then paths', () => {
  assert.throws(() => parseCustomColumns('NAME'));
  const cols = parseCustomColumnsFile('NAME  IMAGE\n.metadata.name .spec.containers[0].image\n');
  assert.deepEqual(customColumnRows(cols, objs)[2], ['db', 'postgres']);
});
