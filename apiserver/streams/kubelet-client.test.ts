import { test } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { kubeletErrorToApiError, kubeletIdentityCheck } from './kubelet-client.js';

const addr = { host: '10.0.0.5', port: 10250 };

test('transport failures read like a Go dial error', () => {
  const e = kubeletErrorToApiError({ code: status.UNAVAILABLE, details: 'No connection established. Last error: Error: connect ECONNREFUSED 10.0.0.5:10250' },
    addr, '/containerLogs/default/web/app');
  assert.equal(e.code, 503);
  assert.equal(e.status.message, 'Get "https://10.0.0.5:10250/containerLogs/default/web/app": dial tcp 10.0.0.5:10250: connect: connection refused');
});

test('kubelet answers keep their message and map onto HTTP codes', () => {
  const pre = kubeletErrorToApiError({ code: status.FAILED_PRECONDITION, details: 'container "a" in pod "p" is waiting to start: ContainerCreating' }, addr, '/x');
  assert.equal(pre.code, 400);
  assert.equal(pre.reason, 'BadRequest');
  assert.equal(pre.status.message, 'container "a" in pod "p" is waiting to start: ContainerCreating');
  assert.equal(kubeletErrorToApiError({ code: status.NOT_FOUND, details: 'gone' }, addr, '/x').code, 404);
  assert.equal(kubeletErrorToApiError({ code: status.PERMISSION_DENIED, details: 'no' }, addr, '/x').code, 403);
  assert.equal(kubeletErrorToApiError({ code: status.INTERNAL, details: 'boom' }, addr, '/x').status.message, 'Internal error occurred: boom');
  const refused = kubeletErrorToApiError({ code: status.FAILED_PRECONDITION, details: 'error forwarding port 80 to pod ns/p: dial tcp 172.17.0.2:80: connect: connection refused' }, addr, '/x');
  assert.equal(refused.status.message, 'error forwarding port 80 to pod ns/p: dial tcp 172.17.0.2:80: connect: connection refused');
  assert.equal(kubeletErrorToApiError({ code: status.DEADLINE_EXCEEDED, details: 'Deadline exceeded' }, addr, '/stats').code, 504);
});

test('a kubelet certificate may prove either its node name or the dialled address', () => {
  const cert = (san: string) => ({ subject: { CN: 'kubelet' }, subjectaltname: san }) as unknown as import('node:tls').PeerCertificate;
  const check = kubeletIdentityCheck({ host: '10.0.0.5', port: 10250, nodeName: 'n1' });
  assert.equal(check('n1', cert('DNS:n1, IP Address:10.0.0.5')), undefined);
  assert.equal(check('n1', cert('IP Address:10.0.0.5')), undefined);
  assert.equal(check('n1', cert('DNS:n1')), undefined);
  assert.ok(check('n1', cert('DNS:other, IP Address:10.9.9.9')) instanceof Error);
});
