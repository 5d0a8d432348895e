import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../api/errors.js';
import { isTarContentType, parseImageLoadQuery } from './image-load-query.js';
import { matchRoute } from './routes.js';

const ID = `sha256:${'ab'.repeat(32)}`;
const q = (s: string) => new URLSearchParams(s);
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof ApiError ? e.code : -1;
  }
  return 0;
};

test('image routes are nodes/{name}/proxy/images/{load,status}', () => {
  assert.deepEqual(matchRoute('/api/v1/nodes/node-a/proxy/images/load'), { kind: 'node-images', node: 'node-a', action: 'load' });
  assert.deepEqual(matchRoute('/api/v1/nodes/node-a/proxy/images/status'), { kind: 'node-images', node: 'node-a', action: 'status' });
  assert.equal(matchRoute('/api/v1/nodes/node-a/proxy/images/other'), undefined);
  assert.equal(matchRoute('/api/v1/nodes/node-a/proxy/images'), undefined);
  assert.equal(matchRoute('/api/v1/nodes/node-a/proxy/images/load/x'), undefined);
  assert.equal(matchRoute('/api/v1/namespaces/x/nodes/node-a/proxy/images/load'), undefined);
});

test('images with their IDs in order; IDs optional', () => {
  assert.deepEqual(parseImageLoadQuery(q(`image=a:v1&id=${ID}`)), [{ name: 'a:v1', id: ID }]);
  assert.deepEqual(parseImageLoadQuery(q('image=a:v1&image=b:v2')), [{ name: 'a:v1', id: '' }, { name: 'b:v2', id: '' }]);
});

test('bad queries are 400s', () => {
  assert.equal(code(() => parseImageLoadQuery(q(''))), 400);
  assert.equal(code(() => parseImageLoadQuery(q(`image=a&image=b&id=${ID}`))), 400);
  assert.equal(code(() => parseImageLoadQuery(q('image=a&id=sha256:xyz'))), 400);
  assert.equal(code(() => parseImageLoadQuery(q('image=a%20b'))), 400);
  assert.equal(code(() => parseImageLoadQuery(q('image='))), 400);
});

test('only a tar body is accepted', () => {
  assert.equal(isTarContentType('application/x-tar'), true);
  assert.equal(isTarContentType('Application/X-Tar; charset=binary'), true);
  assert.equal(isTarContentType('application/json'), false);
  assert.equal(isTarContentType(undefined), false);
});
