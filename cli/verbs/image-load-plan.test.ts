import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanSize, imageRefs, normalizeImageRef, outcomeLine, planLoads, selectNodes } from './image-load-plan.js';

test('image references get :latest like Docker, keep tags and registry ports', () => {
  assert.equal(normalizeImageRef('busybox'), 'busybox:latest');
  assert.equal(normalizeImageRef('kubelite.local/web:latest'), 'kubelite.local/web:latest');
  assert.equal(normalizeImageRef('localhost:5000/app'), 'localhost:5000/app:latest');
  assert.equal(normalizeImageRef('localhost:5000/app:v2'), 'localhost:5000/app:v2');
  assert.throws(() => normalizeImageRef('app@sha256:abcd'), /digest reference/);
  assert.throws(() => normalizeImageRef('has space'), /invalid image reference/);
  assert.throws(() => normalizeImageRef(''), /invalid image reference/);
});

test('image list: required, deduplicated after normalizing, order kept', () => {
  assert.deepEqual(imageRefs(['b', 'a:v1', 'b:latest']), ['b:latest', 'a:v1']);
  assert.throws(() => imageRefs([]), /at least one image/);
});

test('node selection: default every node, sorted; requested ones must exist', () => {
  assert.deepEqual(selectNodes(undefined, ['n2', 'n1']), ['n1', 'n2']);
  assert.deepEqual(selectNodes([], ['n1']), ['n1']);
  assert.deepEqual(selectNodes(['n2', 'node/n1', 'n2', ''], ['n1', 'n2', 'n3']), ['n2', 'n1']);
  assert.throws(() => selectNodes(undefined, []), /no nodes found/);
  assert.throws(() => selectNodes(['bogus'], ['n1', 'n2']), /^CliError: node "bogus" not found \(nodes: n1, n2\)$/);
  assert.throws(() => selectNodes(['x', 'y', 'n1'], ['n1']), /nodes "x", "y" not found/);
});

test('sizes in decimal units with three significant digits', () => {
  assert.equal(humanSize(0), '0 B');
  assert.equal(humanSize(999), '999 B');
  assert.equal(humanSize(1000), '1 kB');
  assert.equal(humanSize(12_345_678), '12.3 MB');
  assert.equal(humanSize(999_999), '1 MB');
  assert.equal(humanSize(1_234_567_890), '1.23 GB');
});

test('one line per image and node; failures on stderr in one line', () => {
  assert.deepEqual(outcomeLine({ kind: 'loaded', image: 'kubelite.local/web:latest', node: 'node-a', bytes: 12_300_000, ms: 412 }),
    { stream: 'stdout', text: 'image kubelite.local/web:latest loaded on node-a (12.3 MB, 0.4 s)' });
  assert.deepEqual(outcomeLine({ kind: 'present', image: 'a:v1', node: 'n' }),
    { stream: 'stdout', text: 'image a:v1 already present on n (same ID)' });
  assert.deepEqual(outcomeLine({ kind: 'failed', image: 'a:v1', node: 'n', message: 'dial tcp: refused\nmore' }),
    { stream: 'stderr', text: 'error: image a:v1 not loaded on n: dial tcp: refused more' });
});

test('plan: save only for nodes lacking the ID; unreachable nodes fail without a save', () => {
  const a = { name: 'a:v1', id: 'sha256:1' };
  const b = { name: 'b:v1', id: 'sha256:2' };
  const status = new Map([
    ['n1', { ids: new Map([['a:v1', 'sha256:1'], ['b:v1', '']]) }],
    ['n2', { ids: new Map([['a:v1', 'sha256:old'], ['b:v1', '']]) }],
    ['n3', { error: 'dial tcp: connection refused' }],
  ]);
  const plan = planLoads([a, b], ['n1', 'n2', 'n3'], status);
  assert.deepEqual(plan[0].load, ['n2']);
  assert.deepEqual(plan[0].decided, [
    { kind: 'present', image: 'a:v1', node: 'n1' },
    { kind: 'failed', image: 'a:v1', node: 'n3', message: 'dial tcp: connection refused' },
  ]);
  assert.deepEqual(plan[1].load, ['n1', 'n2']);
  assert.equal(plan[1].decided.length, 1);
  assert.deepEqual(planLoads([a], ['n1'], new Map([['n1', { ids: new Map([['a:v1', 'sha256:1']]) }]]))[0].load, []);
});
