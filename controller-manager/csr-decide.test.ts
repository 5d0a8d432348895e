import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as x509 from '@peculiar/x509';
import { webcrypto, X509Certificate } from 'node:crypto';
import { generateCA } from '../client/pki.js';
import { signCsr } from '../client/csr-sign.js';
import type { CertificateSigningRequest, KeyUsage } from '../api/types/certificates.js';
import { createKeyAndCsr } from '../client/csr.js';
import { approvalCondition, decideSigning, parseCsrRequest, shouldAutoApprove, type ParsedRequest } from './csr-decide.js';

const node = (n = 'w9'): ParsedRequest => ({ commonName: `system:node:${n}`, organizations: ['system:nodes'], hasSubjectAltNames: false });

function csr(spec: Partial<CertificateSigningRequest['spec']>, status: CertificateSigningRequest['status'] = {}): CertificateSigningRequest {
  return {
    metadata: { name: 'csr-1' },
    spec: { request: '', signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'], ...spec },
    status,
  };
}

const bootstrapper = { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:kubelite:default-node-token', 'system:authenticated'] };

test('a joining node (bootstrap token) gets its kubelet client certificate approved', () => {
  assert.equal(shouldAutoApprove(csr(bootstrapper), node()), 'bootstrap');
  assert.equal(shouldAutoApprove(csr({ username: 'x', groups: ['system:bootstrappers'] }), node()), 'bootstrap');
  assert.equal(shouldAutoApprove(csr({ ...bootstrapper, usages: ['digital signature', 'key encipherment', 'client auth'] }), node()), 'bootstrap');
});

test('a node renewing its own certificate is approved; another node is not', () => {
  const self = { username: 'system:node:w9', groups: ['system:nodes', 'system:authenticated'] };
  assert.equal(shouldAutoApprove(csr(self), node('w9')), 'renewal');
  assert.equal(shouldAutoApprove(csr(self), node('w1')), undefined);
});

test('anything else waits for a person', () => {
  const admin = { username: 'admin', groups: ['system:masters'] };
  assert.equal(shouldAutoApprove(csr(admin), node()), undefined, 'not from a bootstrapper');
  assert.equal(shouldAutoApprove(csr({ ...bootstrapper, signerName: 'kubernetes.io/kube-apiserver-client' }), node()), undefined, 'other signer');
  assert.equal(shouldAutoApprove(csr(bootstrapper), { ...node(), commonName: 'someone-else' }), undefined, 'not a node CN');
  assert.equal(shouldAutoApprove(csr(bootstrapper), { ...node(), commonName: 'system:node:' }), undefined, 'empty node name');
  assert.equal(shouldAutoApprove(csr(bootstrapper), { ...node(), organizations: ['system:nodes', 'system:masters'] }), undefined, 'extra group');
  assert.equal(shouldAutoApprove(csr(bootstrapper), { ...node(), organizations: [] }), undefined, 'no group');
  assert.equal(shouldAutoApprove(csr(bootstrapper), { ...node(), hasSubjectAltNames: true }), undefined, 'SANs');
  assert.equal(shouldAutoApprove(csr({ ...bootstrapper, usages: ['digital signature', 'client auth', 'server auth'] }), node()), undefined, 'server auth');
  assert.equal(shouldAutoApprove(csr({ ...bootstrapper, usages: ['digital signature'] }), node()), undefined, 'no client auth');
  assert.equal(shouldAutoApprove(csr(bootstrapper), undefined), undefined, 'unparsable request');
});

test('already decided CSRs are not approved again', () => {
  assert.equal(shouldAutoApprove(csr(bootstrapper, { conditions: [{ type: 'Approved', status: 'True' }] }), node()), undefined);
  assert.equal(shouldAutoApprove(csr(bootstrapper, { conditions: [{ type: 'Denied', status: 'True' }] }), node()), undefined);
  assert.equal(shouldAutoApprove(csr(bootstrapper, { conditions: [{ type: 'Failed', status: 'True' }] }), node()), undefined);
});

test('approval condition has the Kubernetes shape', () => {
  const c = approvalCondition('bootstrap', new Date('2024-01-02T03:04:05.678Z'));
  assert.deepEqual(c, {
    type: 'Approved', status: 'True', reason: 'AutoApproved',
    message: 'Auto approving kubelet client certificate after SubjectAccessReview.',
    lastUpdateTime: '2024-01-02T03:04:05Z', lastTransitionTime: '2024-01-02T03:04:05Z',
  });
});

const approved = { conditions: [{ type: 'Approved', status: 'True' as const }] };

test('the signer signs approved requests of its signers only, once', () => {
  assert.deepEqual(decideSigning(csr(bootstrapper, approved), node()), { action: 'sign', expirationSeconds: 365 * 86400, usage: 'client' });
  assert.deepEqual(decideSigning(csr({ ...bootstrapper, expirationSeconds: 3600 }, approved), node()), { action: 'sign', expirationSeconds: 3600, usage: 'client' });
  assert.deepEqual(decideSigning(csr({ ...bootstrapper, expirationSeconds: 10 * 365 * 86400 }, approved), node(), 86400), { action: 'sign', expirationSeconds: 86400, usage: 'client' });
  assert.deepEqual(decideSigning(csr(bootstrapper), node()), { action: 'skip' }, 'pending');
  assert.deepEqual(decideSigning(csr(bootstrapper, { conditions: [{ type: 'Denied', status: 'True' }] }), node()), { action: 'skip' }, 'denied');
  assert.deepEqual(decideSigning(csr(bootstrapper, { ...approved, certificate: 'AA==' }), node()), { action: 'skip' }, 'signed');
  assert.deepEqual(decideSigning(csr({ ...bootstrapper, signerName: 'example.com/other' }, approved), node()), { action: 'skip' }, 'foreign signer');
});

test('the signer fails approved requests its signer may not issue', () => {
  const other = { commonName: 'alice', organizations: ['dev'], hasSubjectAltNames: false };
  const d = decideSigning(csr(bootstrapper, approved), other);
  assert.equal(d.action, 'fail');
  assert.match(d.action === 'fail' ? d.message : '', /common name must be system:node:<nodeName>/);
  assert.equal(decideSigning(csr(bootstrapper, approved), undefined).action, 'fail');
  const client = (usages: KeyUsage[]) => csr({ signerName: 'kubernetes.io/kube-apiserver-client', usages }, approved);
  assert.equal(decideSigning(client(['digital signature', 'client auth']), other).action, 'sign');
  assert.equal(decideSigning(client(['digital signature', 'client auth', 'server auth']), other).action, 'fail');
  assert.equal(decideSigning(client(['digital signature']), other).action, 'fail');
});

test('parseCsrRequest reads the subject and notices SANs', async () => {
  const { csrPem } = await createKeyAndCsr({ commonName: 'system:node:w9', organizations: ['system:nodes'] });
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  assert.deepEqual(parseCsrRequest(csr({ request: b64(csrPem) })), { ...node(), dnsNames: [], ipAddresses: [], hasOtherSubjectAltNames: false });
  assert.equal(parseCsrRequest(csr({ request: b64('not a csr') })), undefined);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const withSan = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'O=system:nodes, CN=system:node:w9', keys, signingAlgorithm: alg,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'evil.example' }])],
  });
  assert.equal(parseCsrRequest(csr({ request: b64(withSan.toString('pem')) }))?.hasSubjectAltNames, true);
});

const servingReq = (n = 'w9'): ParsedRequest => ({ ...node(n), hasSubjectAltNames: true, dnsNames: [n], ipAddresses: ['172.30.0.3'], hasOtherSubjectAltNames: false });
const servingCsr = (spec: Partial<CertificateSigningRequest['spec']>, status: CertificateSigningRequest['status'] = {}) =>
  csr({ signerName: 'kubernetes.io/kubelet-serving', usages: ['digital signature', 'server auth'], username: 'system:node:w9', groups: ['system:nodes', 'system:authenticated'], ...spec }, status);

test('a node\'s own kubelet serving request is approved; anyone else\'s, or a bad one, waits', () => {
  assert.equal(shouldAutoApprove(servingCsr({}), servingReq()), 'serving');
  assert.match(approvalCondition('serving', new Date()).message ?? '', /kubelet serving certificate/);
  assert.equal(shouldAutoApprove(servingCsr({}), servingReq('w1')), undefined, 'another node\'s name');
  assert.equal(shouldAutoApprove(servingCsr(bootstrapper), servingReq()), undefined, 'a bootstrap token');
  assert.equal(shouldAutoApprove(servingCsr({ groups: ['system:authenticated'] }), servingReq()), undefined, 'not in system:nodes');
  assert.equal(shouldAutoApprove(servingCsr({ usages: ['digital signature', 'server auth', 'client auth'] }), servingReq()), undefined, 'client auth');
  assert.equal(shouldAutoApprove(servingCsr({}), { ...servingReq(), dnsNames: [], ipAddresses: [] }), undefined, 'no SANs');
  assert.equal(shouldAutoApprove(servingCsr({}), { ...servingReq(), hasOtherSubjectAltNames: true }), undefined, 'URI/email SAN');
});

test('the signer issues serving certificates with the requested DNS and IP names', () => {
  assert.deepEqual(decideSigning(servingCsr({}, approved), servingReq()), {
    action: 'sign', expirationSeconds: 365 * 86400, usage: 'server', dnsNames: ['w9'], ipAddresses: ['172.30.0.3'],
  });
  assert.equal(decideSigning(servingCsr({ usages: ['digital signature', 'client auth'] }, approved), servingReq()).action, 'fail');
});

test('a serving CSR made by createKeyAndCsr parses back to its SANs, and signCsr copies them', async () => {
  const { csrPem } = await createKeyAndCsr({ commonName: 'system:node:w9', organizations: ['system:nodes'], dnsNames: ['w9'], ipAddresses: ['172.30.0.3'] });
  const parsed = parseCsrRequest(csr({ request: Buffer.from(csrPem).toString('base64') }));
  assert.deepEqual(parsed, servingReq());
  const ca = await generateCA('test-ca');
  const certPem = await signCsr(ca, csrPem, { usage: 'server', dnsNames: parsed!.dnsNames, ipAddresses: parsed!.ipAddresses });
  const cert = new X509Certificate(certPem);
  assert.match(cert.subjectAltName ?? '', /DNS:w9/);
  assert.match(cert.subjectAltName ?? '', /IP Address:172.30.0.3/);
  assert.ok(cert.checkIssued(new X509Certificate(ca.certPem)));
});
