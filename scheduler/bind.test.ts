import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, statusOf } from '../api/errors.js';
import { bindingFor, classifyBindError } from './bind.js';
import { makePodInfo } from './test-fixtures.js';

test('the Binding names the pod (with its uid) and the node', () => {
  const pod = makePodInfo('web-x', { uid: 'u1' });
  assert.deepEqual(bindingFor(pod, 'node-1'), {
    apiVersion: 'v1', kind: 'Binding',
    metadata: { name: 'web-x', namespace: 'default', uid: 'u1' },
    target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' },
  });
});

test('409 already assigned is "bound", other 409s and 404 are "gone", the rest is retried', () => {
  const err = (code: number, reason: string, msg: string) => new ApiError(statusOf(code, reason as 'Conflict', msg));
  assert.equal(classifyBindError(err(409, 'Conflict', 'Operation cannot be fulfilled on pods "p": pod p is already assigned to node "n1"')), 'bound');
  assert.equal(classifyBindError(err(409, 'Conflict', 'the UID in the precondition does not match the UID in record')), 'gone');
  assert.equal(classifyBindError(err(404, 'NotFound', 'pods "p" not found')), 'gone');
  assert.equal(classifyBindError(err(500, 'InternalError', 'boom')), 'retry');
  assert.equal(classifyBindError(new Error('ECONNRESET')), 'retry');
});
