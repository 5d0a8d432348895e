import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errors, ApiError, statusOf } from '../../api/errors.js';
import { CliError, formatError } from './errors.js';

test('server errors print as kubectl does', () => {
  assert.equal(formatError(errors.notFound('deployments', 'apps', 'x')), 'Error from server (NotFound): deployments.apps "x" not found');
  assert.equal(formatError(errors.alreadyExists('pods', '', 'p')), 'Error from server (AlreadyExists): pods "p" already exists');
  assert.equal(formatError(new ApiError(statusOf(500, undefined, 'boom'))), 'Error from server: boom');
  assert.equal(formatError(errors.unauthorized()), 'error: You must be logged in to the server (Unauthorized)');
});

test('invalid objects: kubectl\'s "The X is invalid" form', () => {
  const one = errors.invalid('Deployment', 'apps', 'web', [{ type: 'FieldValueInvalid', field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' }]);
  assert.equal(formatError(one), 'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  const two = errors.invalid('Pod', '', 'p', [
    { type: 'FieldValueRequired', field: 'spec.containers[0].image', message: 'Required value' },
    { type: 'FieldValueRequired', field: 'spec.containers[0].name', message: 'Required value' },
  ]);
  assert.equal(formatError(two), 'The Pod "p" is invalid: \n* spec.containers[0].image: Required value\n* spec.containers[0].name: Required value');
});

test('client errors and connection errors', () => {
  assert.equal(formatError(new CliError('you must specify a resource')), 'error: you must specify a resource');
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  assert.equal(formatError(refused, 'https://127.0.0.1:1'), 'The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?');
  assert.equal(formatError(new Error('x')), 'error: x');
});
