import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../api/errors.js';
import { parseExecQuery } from './exec-query.js';

test('kubectl exec query', () => {
  assert.deepEqual(parseExecQuery(new URLSearchParams('command=sh&command=-c&command=exit+3&container=app&stdin=true&stdout=true&stderr=true&tty=false')), {
    container: 'app', command: ['sh', '-c', 'exit 3'], stdin: true, stdout: true, stderr: true, tty: false,
  });
  const tty = parseExecQuery(new URLSearchParams('command=sh&stdin=true&stdout=true&stderr=true&tty=true'));
  assert.equal(tty.stderr, false);
  assert.equal(tty.tty, true);
});

test('a command and a stream are required', () => {
  assert.throws(() => parseExecQuery(new URLSearchParams('stdout=true')), (e: ApiError) => e.code === 400 && /at least 1 command/.test(e.message));
  assert.throws(() => parseExecQuery(new URLSearchParams('command=ls&stdout=false&stderr=false')), (e: ApiError) => e.code === 400);
});
