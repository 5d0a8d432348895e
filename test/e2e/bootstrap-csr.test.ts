// Bootstrap tokens and certificate signing requests end to end: `kubelite token`
// against a real apiserver, a joining node's bootstrap-token client asking for its
// kubelet client certificate (auto-approved and signed by the controller-manager),
// requests that must wait for a person, `kubectl certificate deny`, and the token
// cleaner removing an expired token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import { bootstrapTokenSecret, generateBootstrapToken, parseBootstrapToken } from '../../api/bootstrap-token.js';
import { isApiError, isNotFound } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import type { CertificateSigningRequest } from '../../api/types/certificates.js';
import { createKeyAndCsr, CSRS, KUBELET_CLIENT_SIGNER, KUBELET_CLIENT_USAGES, requestCertificate } from '../../client/csr.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { caCertHash, certificateIdentity } from '../../client/pki.js';
import { RestClient } from '../../client/rest.js';
import { KUBELITE, Kubectl, removeDir, run, startApiserver, startProcess, waitFor, type Apiserver, type Proc } from './harness.js';

const SECRETS = findResource('', 'v1', 'secrets')!;
const NODES = findResource('', 'v1', 'nodes')!;

let api: Apiserver;
let kubectl: Kubectl;
let admin: RestClient;
let cm: Proc;
const clients: RestClient[] = [];

function tokenClient(token: string): RestClient {
  const c = new RestClient({ server: api.url, ca: Buffer.from(api.ca), token, namespace: 'default' }, { timeoutMs: 10_000 });
  clients.push(c);
  return c;
}

async function kubelite(args: string[]): Promise<string> {
  const r = await run(KUBELITE, [...args, '--kubeconfig', api.kubeconfig], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`kubelite ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

async function secretExists(name: string): Promise<boolean> {
  try {
    await admin.get(SECRETS, 'kube-system', name);
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

async function csrNamed(name: string): Promise<CertificateSigningRequest> {
  return admin.get<CertificateSigningRequest>(CSRS, undefined, name);
}

before(async () => {
  api = await startApiserver();
  kubectl = await Kubectl.create(api.kubeconfig);
  admin = new RestClient(loadKubeconfig({ path: api.kubeconfig }));
  cm = startProcess([
    'controller-manager', '--kubeconfig', api.kubeconfig, '--controllers', 'csrapproving,csrsigning,tokencleaner',
    '--cluster-signing-cert-file', join(api.dataDir, 'pki', 'ca.crt'), '--cluster-signing-key-file', join(api.dataDir, 'pki', 'ca.key'),
  ], join(api.dataDir, 'controller-manager.log'));
});

after(async () => {
  await cm?.kill();
  for (const c of clients) c.close();
  admin?.close();
  await api?.stop();
  await kubectl?.cleanup();
  if (api) await removeDir(api.dataDir);
});

let token = '';

test('token create / list / create --print-join-command', async () => {
  token = (await kubelite(['token', 'create', '--description', 'e2e node token'])).trim();
  const parsed = parseBootstrapToken(token);
  assert.ok(parsed, `token create printed ${JSON.stringify(token)}`);
  assert.ok(await secretExists(`bootstrap-token-${parsed.id}`));

  const list = await kubelite(['token', 'list']);
  const lines = list.trimEnd().split('\n');
  assert.match(lines[0], /^TOKEN\s+TTL\s+EXPIRES\s+USAGES\s+DESCRIPTION\s+EXTRA GROUPS$/);
  const row = lines.find((l) => l.startsWith(token));
  assert.ok(row, list);
  assert.match(row, new RegExp(`^${token.replace('.', '\\.')}\\s+23h\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\s+authentication,signing\\s+e2e node token\\s+system:bootstrappers:kubelite:default-node-token$`));

  const join = (await kubelite(['token', 'create', '--ttl', '1h', '--print-join-command'])).trim();
  const m = /^kubelite join 127\.0\.0\.1:(\d+) --token ([a-z0-9]{6}\.[a-z0-9]{16}) --discovery-token-ca-cert-hash (sha256:[0-9a-f]{64})$/.exec(join);
  assert.ok(m, join);
  assert.equal(Number(m[1]), api.port);
  assert.equal(m[3], caCertHash(api.ca));
  assert.ok(await secretExists(`bootstrap-token-${parseBootstrapToken(m[2])!.id}`));

  const bad = await run(KUBELITE, ['token', 'create', '--ttl', '1d', '--kubeconfig', api.kubeconfig]);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.match(bad.stderr, /invalid argument "1d" for "--ttl" flag/);
});

test('a node with the bootstrap token gets a kubelet client certificate; other requests wait for a person', async () => {
  const boot = tokenClient(token);

  // An admin asking for a node's certificate is neither a bootstrapper nor that node.
  const byAdmin = await createKeyAndCsr({ commonName: 'system:node:w8', organizations: ['system:nodes'] });
  const adminCsr = await admin.create<CertificateSigningRequest>(CSRS, undefined, {
    apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { generateName: 'csr-' },
    spec: { request: Buffer.from(byAdmin.csrPem).toString('base64'), signerName: KUBELET_CLIENT_SIGNER, usages: KUBELET_CLIENT_USAGES },
  });
  // A bootstrapper asking for something other than a node identity.
  const other = await createKeyAndCsr({ commonName: 'someone-else', organizations: ['system:nodes'] });
  const otherName = `e2e-someone-else-${Date.now()}`;
  const otherResult = requestCertificate(boot, {
    name: otherName, csrPem: other.csrPem, signerName: KUBELET_CLIENT_SIGNER, usages: KUBELET_CLIENT_USAGES, timeoutMs: 60_000, pollMs: 200,
  }).then(() => 'signed', (e: Error) => e.message);

  const { keyPem, csrPem } = await createKeyAndCsr({ commonName: 'system:node:w9', organizations: ['system:nodes'] });
  const t0 = Date.now();
  const certPem = await requestCertificate(boot, { csrPem, signerName: KUBELET_CLIENT_SIGNER, usages: KUBELET_CLIENT_USAGES, timeoutMs: 30_000, pollMs: 200 });
  const tookMs = Date.now() - t0;
  const cert = new X509Certificate(certPem);
  assert.equal(cert.verify(new X509Certificate(api.ca).publicKey), true, 'signed by the cluster CA');
  assert.equal(cert.checkPrivateKey(createPrivateKey(keyPem)), true);
  assert.deepEqual(certificateIdentity(certPem), { user: 'system:node:w9', groups: ['system:nodes'] });
  const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
  assert.ok(days > 364 && days <= 365, `valid for ${days} days`);
  console.log(`# bootstrap CSR approved and signed in ${tookMs} ms`);

  const signed = (await admin.list<CertificateSigningRequest>(CSRS, undefined)).items.find((c) => c.status?.certificate && Buffer.from(c.status.certificate, 'base64').toString() === certPem);
  assert.ok(signed);
  assert.equal(signed.spec.username, `system:bootstrap:${parseBootstrapToken(token)!.id}`);
  assert.ok(signed.spec.groups?.includes('system:bootstrappers'));
  const approved = signed.status?.conditions?.find((c) => c.type === 'Approved');
  assert.equal(approved?.status, 'True');
  assert.equal(approved?.reason, 'AutoApproved');

  // The new certificate authenticates (a 401 would mean the apiserver does not accept it).
  const nodeClient = new RestClient({ server: api.url, ca: Buffer.from(api.ca), cert: Buffer.from(certPem), key: Buffer.from(keyPem), namespace: 'default' });
  clients.push(nodeClient);
  const status = await nodeClient.get(NODES, undefined, 'w9').then(() => 200, (e: unknown) => (isApiError(e) ? e.status.code : -1));
  assert.ok(status === 200 || status === 404 || status === 403, `node credentials got ${status}`);

  // With that certificate the node renews its own identity without a person; asking for
  // another node's identity waits.
  const renewal = await createKeyAndCsr({ commonName: 'system:node:w9', organizations: ['system:nodes'] });
  const renewed = await requestCertificate(nodeClient, { csrPem: renewal.csrPem, signerName: KUBELET_CLIENT_SIGNER, usages: KUBELET_CLIENT_USAGES, timeoutMs: 30_000, pollMs: 200 });
  assert.deepEqual(certificateIdentity(renewed), { user: 'system:node:w9', groups: ['system:nodes'] });
  assert.equal(new X509Certificate(renewed).checkPrivateKey(createPrivateKey(renewal.keyPem)), true);
  const foreign = await createKeyAndCsr({ commonName: 'system:node:w1', organizations: ['system:nodes'] });
  await assert.rejects(
    requestCertificate(nodeClient, { csrPem: foreign.csrPem, signerName: KUBELET_CLIENT_SIGNER, usages: KUBELET_CLIENT_USAGES, timeoutMs: 3_000, pollMs: 200 }),
    /timed out after 3s waiting for certificate signing request csr-\w+ to be approved/,
  );

  // Both other requests were seen before w9's (same queue) and are still undecided.
  for (const name of [adminCsr.metadata.name!, otherName]) {
    const c = await csrNamed(name);
    assert.deepEqual(c.status?.conditions ?? [], [], `${name} must stay pending`);
    assert.equal(c.status?.certificate, undefined);
  }

  // A person denies one: the waiting requester is told, and nothing is signed.
  await kubectl.ok(['certificate', 'deny', otherName]);
  assert.match(await otherResult, new RegExp(`certificate signing request ${otherName} was denied`));

  // A person approves the admin's request by hand: the signer issues it,
  await kubectl.ok(['certificate', 'approve', adminCsr.metadata.name!]);
  const adminSigned = await waitFor('manually approved CSR signed', async () => (await csrNamed(adminCsr.metadata.name!)).status?.certificate, 20_000, 200);
  assert.deepEqual(certificateIdentity(Buffer.from(adminSigned, 'base64').toString()), { user: 'system:node:w8', groups: ['system:nodes'] });
  // while the denied one stays unsigned.
  const denied = await csrNamed(otherName);
  assert.equal(denied.status?.certificate, undefined);
  assert.equal(denied.status?.conditions?.find((c) => c.type === 'Denied')?.status, 'True');
});

test('token delete removes the secret and the token stops working', async () => {
  const id = parseBootstrapToken(token)!.id;
  const out = await kubelite(['token', 'delete', token]);
  assert.equal(out, `bootstrap token "${id}" deleted\n`);
  assert.equal(await secretExists(`bootstrap-token-${id}`), false);
  assert.ok(!(await kubelite(['token', 'list'])).includes(token));
  const status = await tokenClient(token).list(CSRS, undefined).then(() => 200, (e: unknown) => (isApiError(e) ? e.status.code : -1));
  assert.equal(status, 401);
  const again = await run(KUBELITE, ['token', 'delete', id, '--kubeconfig', api.kubeconfig]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, new RegExp(`failed to delete bootstrap token with ID "${id}": secrets "bootstrap-token-${id}" not found`));
});

test('the token cleaner deletes a token at its expiry', async () => {
  const t = generateBootstrapToken();
  const secret = bootstrapTokenSecret(t, { ttlSeconds: 2, description: 'short-lived' });
  await admin.create(SECRETS, 'kube-system', secret);
  assert.ok(await secretExists(secret.metadata.name!));
  const t0 = Date.now();
  await waitFor('expired token deleted', async () => !(await secretExists(secret.metadata.name!)), 20_000, 200);
  const after = Date.now() - t0;
  assert.ok(after >= 1000, `deleted after ${after} ms: before its expiry`);
  console.log(`# expired token removed ${after} ms after creation (ttl 2s)`);
});
