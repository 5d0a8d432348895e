import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allPresent, confirmLoaded, familiarName, parseDockerLoadOutput } from './image-load-result.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

test('docker load output: names, untagged IDs, errors', () => {
  const text = '{"stream":"Loaded image: kubelite.local/x:v1\\n"}\r\n{"stream":"Loaded image ID: ' + A + '\\n"}\n\n';
  assert.deepEqual(parseDockerLoadOutput(text), { names: ['kubelite.local/x:v1'], ids: [A] });
  const bad = parseDockerLoadOutput('{"errorDetail":{"message":"unexpected EOF"},"error":"unexpected EOF"}\n');
  assert.equal(bad.error, 'unexpected EOF');
  assert.deepEqual(parseDockerLoadOutput('Loaded image: plain:v1\n').names, ['plain:v1']);
});

test('Docker Hub names compare in their short form', () => {
  assert.equal(familiarName('docker.io/library/busybox:latest'), 'busybox:latest');
  assert.equal(familiarName('docker.io/me/app:v1'), 'me/app:v1');
  assert.equal(familiarName('kubelite.local/web:latest'), 'kubelite.local/web:latest');
  assert.equal(familiarName('library/x/y:v1'), 'library/x/y:v1');
});

test('success needs Docker to report the image and the ID to match', () => {
  const out = { names: ['busybox:latest'], ids: [] };
  assert.deepEqual(confirmLoaded([{ name: 'docker.io/library/busybox:latest', id: A }], out, new Map([['docker.io/library/busybox:latest', A]])),
    [{ name: 'docker.io/library/busybox:latest', id: A, alreadyPresent: false }]);
  // present afterwards, but this load did not carry it
  assert.throws(() => confirmLoaded([{ name: 'x:v1', id: A }], out, new Map([['x:v1', A]])), /not in the archive/);
  // reported, but the name points elsewhere
  assert.throws(() => confirmLoaded([{ name: 'busybox:latest', id: A }], out, new Map([['busybox:latest', B]])), /has ID .* expected/);
  assert.throws(() => confirmLoaded([{ name: 'busybox:latest', id: A }], out, new Map()), /not known to Docker/);
  assert.throws(() => confirmLoaded([{ name: 'busybox:latest', id: A }], { names: [], ids: [], error: 'boom' }, new Map()), /docker load failed: boom/);
  // an untagged archive is confirmed by ID
  assert.equal(confirmLoaded([{ name: 'y:v1', id: A }], { names: [], ids: [A] }, new Map([['y:v1', A]])).length, 1);
});

test('skipped only when every image has the same ID already', () => {
  assert.equal(allPresent([{ name: 'a', id: A }], new Map([['a', A]])), true);
  assert.equal(allPresent([{ name: 'a', id: A }, { name: 'b', id: B }], new Map([['a', A]])), false);
  assert.equal(allPresent([{ name: 'a', id: A }], new Map([['a', B]])), false);
  assert.equal(allPresent([{ name: 'a', id: '' }], new Map([['a', A]])), false);
  assert.equal(allPresent([], new Map()), false);
});
