import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, createPublicKey, webcrypto, X509Certificate } from 'node:crypto';
import type { CertificateSigningRequest } from '../api/types/certificates.js';
import { createKeyAndCsr, csrFailure, csrSubject, requestCertificate } from './csr.js';
import { signCsr } from './csr-sign.js';
import { certificateIdentity, generateCA } from './pki.js';
import type { RestClient } from './rest.js';

test('createKeyAndCsr: the CSR carries the subject and the public key of the private key', async () => {
  const { keyPem, csrPem } = await createKeyAndCsr({ commonName: 'system:node:w9', organizations: ['system:nodes'] });
  assert.match(csrPem, /^-----BEGIN CERTIFICATE REQUEST-----\n/);
  assert.match(keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.deepEqual(csrSubject(csrPem), { commonName: 'system:node:w9', organizations: ['system:nodes'] });
  const req = new x509.Pkcs10CertificateRequest(csrPem);
  assert.equal(await req.verify(), true);
  const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  assert.deepEqual(Buffer.from(req.publicKey.rawData), fromKey);
});

test('signCsr issues a client certificate for the CSR subject and key, signed by the CA', async () => {
  const ca = await generateCA('test-ca');
  const { keyPem, csrPem } = await createKeyAndCsr({ commonName: 'system:node:w9', organizations: ['system:nodes'] });
  const certPem = await signCsr(ca, csrPem, { usage: 'client', expirationSeconds: 3600 });
  const cert = new X509Certificate(certPem);
  assert.equal(cert.verify(new X509Certificate(ca.certPem).publicKey), true);
  assert.equal(cert.checkPrivateKey(createPrivateKey(keyPem)), true);
  assert.deepEqual(certificateIdentity(certPem), { user: 'system:node:w9', groups: ['system:nodes'] });
  const life = Date.parse(cert.validTo) - Date.now();
  assert.ok(life > 3500_000 && life <= 3600_000, `lifetime ${life}`);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']); // clientAuth only
});

test('signCsr refuses a request whose signature does not match its key', async () => {
  const ca = await generateCA('test-ca');
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const a = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const b = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const forged = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=system:node:victim',
    keys: { publicKey: a.publicKey, privateKey: b.privateKey },
    signingAlgorithm: alg,
  });
  await assert.rejects(signCsr(ca, forged.toString('pem'), { usage: 'client' }), /signature does not verify/);
  await assert.rejects(signCsr(ca, 'garbage', { usage: 'client' }), /unable to parse/);
});

function csr(name: string, status: CertificateSigningRequest['status'] = {}): CertificateSigningRequest {
  return { metadata: { name }, spec: { request: '', signerName: 's/x' }, status };
}

test('csrFailure reports Denied and Failed, not Approved', () => {
  assert.equal(csrFailure(csr('a', { conditions: [{ type: 'Approved', status: 'True' }] })), undefined);
  assert.match(csrFailure(csr('a', { conditions: [{ type: 'Denied', status: 'True', reason: 'NotMine' }] })) ?? '', /csr a|a was denied: NotMine/);
  assert.match(csrFailure(csr('a', { conditions: [{ type: 'Failed', status: 'True', message: 'bad key' }] })) ?? '', /not signed \(Failed\): bad key/);
});

/** The two calls requestCertificate makes, answering reads from a script. */
function fakeRest(reads: CertificateSigningRequest['status'][]): RestClient {
  let i = 0;
  return {
    create: async (_info: unknown, _ns: unknown, obj: CertificateSigningRequest) => ({ ...obj, metadata: { name: 'csr-abcde' } }),
    get: async () => csr('csr-abcde', reads[Math.min(i++, reads.length - 1)]),
  } as unknown as RestClient;
}

test('requestCertificate waits for the certificate, fails on denial and on timeout', async () => {
  const { csrPem } = await createKeyAndCsr({ commonName: 'x' });
  const base = { csrPem, signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth' as const], pollMs: 5 };
  const pem = '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n';
  const signed = fakeRest([{}, { conditions: [{ type: 'Approved', status: 'True' }] }, { certificate: Buffer.from(pem).toString('base64') }]);
  assert.equal(await requestCertificate(signed, { ...base, timeoutMs: 5000 }), pem);
  await assert.rejects(requestCertificate(fakeRest([{}, { conditions: [{ type: 'Denied', status: 'True', reason: 'Nope' }] }]), { ...base, timeoutMs: 5000 }), /csr-abcde was denied: Nope/);
  await assert.rejects(requestCertificate(fakeRest([{}]), { ...base, timeoutMs: 50 }), /timed out after 0s waiting for certificate signing request csr-abcde to be approved/);
  await assert.rejects(
    requestCertificate(fakeRest([{ conditions: [{ type: 'Approved', status: 'True' }] }]), { ...base, timeoutMs: 50 }),
    /to be signed \(approved, but no signer/,
  );
});
