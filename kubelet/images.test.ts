import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidImageRef, normalizeImage } from './images.js';

test('image references get :latest only when untagged', () => {
  assert.equal(normalizeImage('busybox'), 'busybox:latest');
  assert.equal(normalizeImage('busybox:1.36'), 'busybox:1.36');
  assert.equal(normalizeImage('localhost:5000/app'), 'localhost:5000/app:latest');
  assert.equal(normalizeImage('localhost:5000/app:v1'), 'localhost:5000/app:v1');
  assert.equal(normalizeImage('app@sha256:abc'), 'app@sha256:abc');
});

test('invalid references are refused', () => {
  assert.equal(isValidImageRef('Bad Image'), false);
  assert.equal(isValidImageRef('registry:5000/a/b:c'), true);
});
