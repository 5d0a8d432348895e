import test from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta.js';
import { createKeyAndCsr } from '../../client/csr.js';
import { applyApproval, applyStatus, requestParseErrors, setRequester, statusErrors } from './csr.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const csr = (spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'c' }, spec, ...(status ? { status } : {}),
});

test('setRequester overwrites whatever identity the body claims', () => {
  const obj = csr({ username: 'system:admin', uid: 'u', groups: ['system:masters'], extra: { a: ['b'] } });
  setRequester(obj, { name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:authenticated'] });
  assert.deepEqual(obj.spec, { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:authenticated'] });
});

test('requestParseErrors: a real PKCS#10 request passes, a garbled one is a field error', async () => {
  const { csrPem } = await createKeyAndCsr({ commonName: 'system:node:w1', organizations: ['system:nodes'] });
  assert.deepEqual(requestParseErrors(csr({ request: b64(csrPem) })), []);
  const errs = requestParseErrors(csr({ request: b64('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n') }));
  assert.equal(errs.length, 1);
  assert.equal(errs[0].field, 'spec.request');
  assert.match(errs[0].message, /could not be parsed/);
});

test('approval changes only Approved/Denied; status keeps them and cannot touch an issued certificate', () => {
  const cur = csr({ request: 'x' }, { conditions: [{ type: 'Failed', status: 'True' }] });
  const approved = applyApproval(cur, csr({}, { certificate: 'Zm9v', conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove' }] }), 'T1');
  const st = approved.status as { certificate?: string; conditions: Array<Record<string, unknown>> };
  assert.equal(st.certificate, undefined, 'approval cannot issue a certificate');
  assert.deepEqual(st.conditions.map((c) => c.type), ['Approved', 'Failed']);
  assert.equal(st.conditions[0].lastUpdateTime, 'T1');
  assert.equal(st.conditions[0].lastTransitionTime, 'T1');

  const pem = b64('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  const signed = applyStatus(approved, { ...approved, status: { certificate: pem, conditions: [] } }, 'T2');
  assert.deepEqual((signed.status as { conditions: Array<{ type: string }> }).conditions.map((c) => c.type), ['Approved']);
  assert.deepEqual(statusErrors(signed, approved), []);
  const changed = { ...signed, status: { ...(signed.status as object), certificate: b64('-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n') } };
  assert.match(statusErrors(changed, signed)[0].message, /may not modify existing certificate/);
  const junk = { ...approved, status: { certificate: b64('-----BEGIN RSA PRIVATE KEY-----\n') } };
  assert.match(statusErrors(junk, approved)[0].message, /CERTIFICATE PEM block/);
});
