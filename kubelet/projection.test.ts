import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configMapData, projectDownwardAPI, projectKeys, secretData, ProjectionError } from './projection.js';

const cm = configMapData({ metadata: { name: 'c' }, data: { 'app.conf': 'x=1', other: 'y' } });

test('all keys with the default mode, or only the listed items at their paths and modes', () => {
  const all = projectKeys('configmap "c"', cm, undefined, undefined, false);
  assert.deepEqual(all.map((f) => [f.path, f.content.toString(), f.mode]), [['app.conf', 'x=1', 0o644], ['other', 'y', 0o644]]);
  const some = projectKeys('configmap "c"', cm, [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o400 }], 0o600, false);
  assert.deepEqual(some.map((f) => [f.path, f.mode]), [['conf/app.conf', 0o400]]);
});

test('missing source or key: error unless optional', () => {
  assert.throws(() => projectKeys('configmap "gone"', undefined, undefined, undefined, false), /configmap "gone" not found/);
  assert.deepEqual(projectKeys('configmap "gone"', undefined, undefined, undefined, true), []);
  assert.throws(() => projectKeys('configmap "c"', cm, [{ key: 'nope', path: 'n' }], undefined, false), ProjectionError);
  assert.throws(() => projectKeys('configmap "c"', cm, [{ key: 'other', path: '../escape' }], undefined, false), /invalid path/);
});

test('secrets are base64-decoded; downward API renders labels', () => {
  const s = secretData({ metadata: { name: 's' }, data: { pw: Buffer.from('hunter2').toString('base64') } });
  assert.equal(projectKeys('secret "s"', s, undefined, 0o400, false)[0].content.toString(), 'hunter2');
  const files = projectDownwardAPI(
    { metadata: { name: 'p', namespace: 'n', labels: { b: '2', a: '1' } }, spec: { containers: [{ name: 'c' }] } },
    [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }],
    undefined, {},
  );
  assert.equal(files[0].content.toString(), 'a="1"\nb="2"');
  assert.equal(files[1].content.toString(), 'p');
});
