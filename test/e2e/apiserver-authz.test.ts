// Authentication and authorization against a real apiserver: a node's client
// certificate is held to the node authorizer, bootstrap tokens may only ask for a
// certificate, anonymous requests may only read cluster-info, and the CSR
// subresources work with the real kubectl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/meta.js';
import { bootstrapTokenSecret, generateBootstrapToken } from '../../api/bootstrap-token.js';
import type { CertificateSigningRequest } from '../../api/types/certificates.js';
import { buildKubeconfig, loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { issueCertificate, type KeyPairPem } from '../../client/pki.js';
import { createKeyAndCsr } from '../../client/csr.js';
import { Kubectl, removeDir, startApiserver, type Apiserver } from './harness.js';

const R = {
  pods: findResource('', 'v1', 'pods')!,
  nodes: findResource('', 'v1', 'nodes')!,
  secrets: findResource('', 'v1', 'secrets')!,
  configmaps: findResource('', 'v1', 'configmaps')!,
  leases: findResource('coordination.k8s.io', 'v1', 'leases')!,
  deployments: findResource('apps', 'v1', 'deployments')!,
  csrs: findResource('certificates.k8s.io', 'v1', 'certificatesigningrequests')!,
};
const NS = 'default';

let api: Apiserver;
let admin: RestClient;
let w1: RestClient;
let kubectl: Kubectl;
let ca: KeyPairPem;
const clients: RestClient[] = [];
const kubectls: Kubectl[] = [];

function client(cfg: { cert?: string; key?: string; token?: string }): RestClient {
  const c = new RestClient({
    server: api.url, ca: Buffer.from(api.ca), namespace: NS,
    ...(cfg.cert ? { cert: Buffer.from(cfg.cert), key: Buffer.from(cfg.key ?? '') } : {}),
    ...(cfg.token ? { token: cfg.token } : {}),
  }, { timeoutMs: 10_000 });
  clients.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  assert.fail('expected the request to be refused');
}

/** A request with no client certificate and no token. */
function anonymous(path: string): Promise<{ code: number; body: string }> {
  return new Promise((res, rej) => {
    https.get({ host: '127.0.0.1', port: api.port, path, ca: api.ca }, (r) => {
      let body = '';
      r.on('data', (d) => (body += d));
      r.on('end', () => res({ code: r.statusCode ?? 0, body }));
    }).on('error', rej);
  });
}

const pod = (name: string, node: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS },
  spec: { nodeName: node, terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'kubelite.local/pause:3.9' }], ...extra },
});

before(async () => {
  api = await startApiserver();
  admin = new RestClient(loadKubeconfig({ path: api.kubeconfig }), { timeoutMs: 10_000 });
  clients.push(admin);
  ca = {
    certPem: await readFile(join(api.dataDir, 'pki', 'ca.crt'), 'utf8'),
    keyPem: await readFile(join(api.dataDir, 'pki', 'ca.key'), 'utf8'),
  };
  const pair = await issueCertificate(ca, { commonName: 'system:node:w1', organizations: ['system:nodes'], usage: 'client' });
  w1 = client({ cert: pair.certPem, key: pair.keyPem });
  kubectl = await Kubectl.create(api.kubeconfig);
  kubectls.push(kubectl);
});

after(async () => {
  for (const c of clients) c.close();
  for (const k of kubectls) await k.cleanup();
  await api?.stop();
  if (api) await removeDir(api.dataDir);
});

test('a node reads its pods and the secrets they use, writes its own Node, Lease and pods, and nothing more', async () => {
  await admin.create(R.secrets, NS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'w1-secret' }, data: { a: 'Yg==' } });
  await admin.create(R.secrets, NS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'w2-secret' }, data: { a: 'Yg==' } });
  await admin.create(R.pods, NS, pod('on-w1', 'w1', { volumes: [{ name: 's', secret: { secretName: 'w1-secret' } }] }));
  await admin.create(R.pods, NS, pod('on-w2', 'w2', { volumes: [{ name: 's', secret: { secretName: 'w2-secret' } }] }));
  await admin.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'w2' } });

  await w1.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'w1' } });
  const other = await failure(w1.create(R.nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'w3' } }));
  assert.equal(other.code, 403);

  const mine = await w1.list(R.pods, undefined, { fieldSelector: 'spec.nodeName=w1' });
  assert.deepEqual(mine.items.map((p) => p.metadata.name), ['on-w1']);
  const secret = await w1.get(R.secrets, NS, 'w1-secret');
  assert.equal(secret.metadata.name, 'w1-secret');
  const notMine = await failure(w1.get(R.secrets, NS, 'w2-secret'));
  assert.equal(notMine.code, 403);
  assert.equal(notMine.message,
    'secrets "w2-secret" is forbidden: User "system:node:w1" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node "w1" and this object');

  const status = await w1.patch(R.nodes, undefined, 'w1', { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ok' }] } }, 'merge', { subresource: 'status' });
  assert.equal((status.status as { conditions: Array<{ type: string }> }).conditions[0].type, 'Ready');
  await w1.patch(R.pods, NS, 'on-w1', { status: { phase: 'Running' } }, 'merge', { subresource: 'status' });
  await w1.create(R.leases, 'kube-node-lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'w1' }, spec: { holderIdentity: 'w1' } });
  assert.equal((await failure(w1.create(R.leases, 'kube-node-lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'w2' } }))).code, 403);

  const theirs = await failure(w1.delete(R.pods, NS, 'on-w2'));
  assert.equal(theirs.code, 403);
  assert.equal(theirs.reason, 'Forbidden');
  assert.equal(theirs.message,
    'pods "on-w2" is forbidden: User "system:node:w1" cannot delete resource "pods" in API group "" in the namespace "default": node "w1" can only delete pods bound to it');
  const patchOther = await failure(w1.patch(R.nodes, undefined, 'w2', { metadata: { labels: { x: 'y' } } }, 'merge'));
  assert.equal(patchOther.code, 403);
  assert.match(patchOther.message, /^nodes "w2" is forbidden: User "system:node:w1" cannot patch resource "nodes" in API group "" at the cluster scope/);
  assert.equal((await failure(w1.list(R.secrets, NS))).code, 403);
  assert.equal((await failure(w1.create(R.deployments, NS, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  }))).code, 403);
  assert.equal((await failure(w1.create(R.pods, NS, pod('sneaky', 'w1')))).code, 403, 'only mirror pods');
  // a mirror pod naming another node's Secret would make that Secret readable to w1: refused
  const stealer = pod('stealer', 'w1', { volumes: [{ name: 's', secret: { secretName: 'w2-secret' } }] });
  stealer.metadata.annotations = { 'kubernetes.io/config.mirror': 'x' };
  const steal = await failure(w1.create(R.pods, NS, stealer));
  assert.equal(steal.code, 403);
  assert.equal(steal.message,
    'pods "stealer" is forbidden: User "system:node:w1" cannot create resource "pods" in API group "" in the namespace "default": node "w1" can not create pods that reference secrets');
  assert.equal((await failure(w1.get(R.secrets, NS, 'w2-secret'))).code, 403, 'the Secret stays out of reach');
  assert.equal((await failure(w1.request({ method: 'GET', path: `/api/v1/namespaces/${NS}/pods/on-w1/log` }))).code, 403);

  await w1.delete(R.pods, NS, 'on-w1', { gracePeriodSeconds: 0 });
  await assert.rejects(admin.get(R.pods, NS, 'on-w1'), (e: unknown) => e instanceof ApiError && e.code === 404);
  assert.ok(await admin.get(R.pods, NS, 'on-w2'), 'the other node\'s pod is untouched');
});

test('NodeRestriction: a node registers with taints but cannot change them, nor set node-role or other restricted labels; the admin can (kubectl)', async () => {
  const pair = await issueCertificate(ca, { commonName: 'system:node:w5', organizations: ['system:nodes'], usage: 'client' });
  const w5 = client({ cert: pair.certPem, key: pair.keyPem });
  const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

  const selfPromoted = await failure(w5.create(R.nodes, undefined, {
    apiVersion: 'v1', kind: 'Node', metadata: { name: 'w5', labels: { 'node-role.kubernetes.io/worker': '' } },
  }));
  assert.equal(selfPromoted.code, 403);
  assert.equal(selfPromoted.message, 'nodes "w5" is forbidden: node "w5" is not allowed to set the following labels: node-role.kubernetes.io/worker');
  await assert.rejects(admin.get(R.nodes, undefined, 'w5'), (e: unknown) => e instanceof ApiError && e.code === 404, 'nothing was stored');

  await w5.create(R.nodes, undefined, {
    apiVersion: 'v1', kind: 'Node', metadata: { name: 'w5', labels: { 'kubernetes.io/hostname': 'w5', 'example.com/rack': 'r1' } },
    spec: { taints: [taint] },
  });
  await w5.patch(R.nodes, undefined, 'w5', { metadata: { labels: { 'example.com/rack': 'r2', 'node.kubernetes.io/instance-type': 'big' } } }, 'merge');

  const role = await failure(w5.patch(R.nodes, undefined, 'w5', { metadata: { labels: { 'node-role.kubernetes.io/worker': '' } } }, 'merge'));
  assert.equal(role.code, 403);
  assert.equal(role.reason, 'Forbidden');
  assert.equal(role.message, 'nodes "w5" is forbidden: is not allowed to modify labels: node-role.kubernetes.io/worker');
  const untainted = await failure(w5.patch(R.nodes, undefined, 'w5', { spec: { taints: [] } }, 'merge'));
  assert.equal(untainted.message, 'nodes "w5" is forbidden: node "w5" is not allowed to modify taints');
  const current = await admin.get(R.nodes, undefined, 'w5');
  const replaced = await failure(w5.update(R.nodes, undefined, { ...current, spec: { ...current.spec as object, taints: [{ ...taint, effect: 'NoExecute' }] } }));
  assert.equal(replaced.code, 403, 'PUT is held to the same rule');
  const applied = await failure(w5.request({
    method: 'PATCH', path: '/api/v1/nodes/w5', query: { fieldManager: 'kubelet' }, contentType: 'application/apply-patch+yaml',
    body: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'w5', labels: { 'node-restriction.kubernetes.io/pci': 'yes' } } }),
  }));
  assert.equal(applied.message, 'nodes "w5" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/pci');

  // the real kubectl, as the node, shows the server's refusal and exits non-zero
  const nodeKubeconfig = join(api.dataDir, 'w5.kubeconfig');
  await writeFile(nodeKubeconfig, buildKubeconfig({
    server: api.url, caData: api.ca, clusterName: 'c', contextName: 'w5', user: { certData: pair.certPem, keyData: pair.keyPem },
  }), { mode: 0o600 });
  const asNode = await Kubectl.create(nodeKubeconfig);
  kubectls.push(asNode);
  const label = await asNode.run(['label', 'node', 'w5', 'node-role.kubernetes.io/worker=']);
  assert.notEqual(label.code, 0);
  assert.match(label.stderr, /Error from server \(Forbidden\): nodes "w5" is forbidden: is not allowed to modify labels: node-role\.kubernetes\.io\/worker/);
  const untaint = await asNode.run(['taint', 'node', 'w5', 'dedicated-']);
  assert.notEqual(untaint.code, 0);
  assert.match(untaint.stderr, /node "w5" is not allowed to modify taints/);

  // the administrator sets both; the node then keeps writing everything else
  await kubectl.ok(['label', 'node', 'w5', 'node-role.kubernetes.io/worker=']);
  await kubectl.ok(['taint', 'node', 'w5', 'dedicated-']);
  await w5.patch(R.nodes, undefined, 'w5', { metadata: { labels: { 'example.com/rack': 'r3' } } }, 'merge');
  await w5.patch(R.nodes, undefined, 'w5', { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ok' }] } }, 'merge', { subresource: 'status' });
  const after = await admin.get(R.nodes, undefined, 'w5');
  assert.equal(after.metadata.labels?.['node-role.kubernetes.io/worker'], '');
  assert.equal(after.metadata.labels?.['example.com/rack'], 'r3');
  assert.deepEqual((after.spec as { taints?: unknown[] }).taints ?? [], []);
  const demoted = await failure(w5.patch(R.nodes, undefined, 'w5', { metadata: { labels: { 'node-role.kubernetes.io/worker': null } } }, 'merge'));
  assert.equal(demoted.message, 'nodes "w5" is forbidden: is not allowed to modify labels: node-role.kubernetes.io/worker');
  await admin.delete(R.nodes, undefined, 'w5');
});

test('a bootstrap token may create a CSR in its own name and read it, nothing else; bad or expired tokens get 401', async () => {
  const token = generateBootstrapToken();
  const id = token.split('.')[0];
  await admin.create(R.secrets, 'kube-system', bootstrapTokenSecret(token, { ttlSeconds: 3600 }));
  const boot = client({ token });
  const { csrPem } = await createKeyAndCsr({ commonName: 'system:node:w9', organizations: ['system:nodes'] });
  const created = await boot.create<CertificateSigningRequest>(R.csrs, undefined, {
    apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'node-csr-w9' },
    spec: {
      request: Buffer.from(csrPem).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
      usages: ['digital signature', 'client auth'], username: 'system:admin', groups: ['system:masters'],
    },
  });
  assert.equal(created.spec.username, `system:bootstrap:${id}`);
  assert.ok(created.spec.groups?.includes('system:bootstrappers'));
  assert.ok(!created.spec.groups?.includes('system:masters'));
  assert.equal((await boot.get(R.csrs, undefined, 'node-csr-w9')).metadata.name, 'node-csr-w9');
  assert.equal((await failure(boot.list(R.pods, NS))).code, 403);
  assert.equal((await failure(boot.request({ method: 'PUT', path: '/apis/certificates.k8s.io/v1/certificatesigningrequests/node-csr-w9/approval', body: created }))).code, 403);

  const wrong = client({ token: `${id}.${'0'.repeat(16)}` });
  assert.equal((await failure(wrong.list(R.csrs, undefined))).code, 401);
  const expiredToken = generateBootstrapToken();
  await admin.create(R.secrets, 'kube-system', bootstrapTokenSecret(expiredToken, { ttlSeconds: 60, now: new Date(Date.now() - 3600_000) }));
  assert.equal((await failure(client({ token: expiredToken }).list(R.csrs, undefined))).code, 401);
});

test('anonymous requests may read kube-public/cluster-info and the health endpoints only', async () => {
  await admin.create(R.configmaps, 'kube-public', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster-info' }, data: { kubeconfig: 'x' } });
  const info = await anonymous('/api/v1/namespaces/kube-public/configmaps/cluster-info');
  assert.equal(info.code, 200);
  assert.equal((JSON.parse(info.body) as { data: { kubeconfig: string } }).data.kubeconfig, 'x');
  assert.equal((await anonymous('/api/v1/namespaces/default/pods')).code, 401);
  assert.equal((await anonymous('/api/v1/namespaces/kube-public/configmaps')).code, 401);
  assert.equal((await anonymous('/api')).code, 401);
  assert.equal((await anonymous('/healthz')).code, 200);
  assert.equal((await anonymous('/version')).code, 200);
});

test('CSRs: a garbled request is 422; kubectl certificate approve/deny; the signer writes status.certificate', async () => {
  const csr = (name: string, request: string): CertificateSigningRequest => ({
    apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name },
    spec: { request: Buffer.from(request).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] },
  });
  const bad = await failure(admin.create(R.csrs, undefined, csr('garbled', '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n')));
  assert.equal(bad.code, 422);
  assert.match(bad.message, /spec\.request: Invalid value/);

  const { csrPem } = await createKeyAndCsr({ commonName: 'someone' });
  const made = await admin.create<CertificateSigningRequest>(R.csrs, undefined, csr('approve-me', csrPem));
  assert.equal(made.spec.username, 'kubernetes-admin');
  assert.ok(made.spec.groups?.includes('system:masters'));
  await admin.create(R.csrs, undefined, csr('deny-me', csrPem));
  assert.match(await kubectl.ok(['certificate', 'approve', 'approve-me']), /approve-me approved/);
  assert.match(await kubectl.ok(['certificate', 'deny', 'deny-me']), /deny-me denied/);
  const approved = await admin.get<CertificateSigningRequest>(R.csrs, undefined, 'approve-me');
  assert.deepEqual(approved.status?.conditions?.map((c) => [c.type, c.status, c.reason]), [['Approved', 'True', 'KubectlApprove']]);
  const denied = await admin.get<CertificateSigningRequest>(R.csrs, undefined, 'deny-me');
  assert.deepEqual(denied.status?.conditions?.map((c) => c.type), ['Denied']);
  assert.match(await kubectl.ok(['get', 'csr', 'approve-me']), /Approved/);

  const certificate = Buffer.from(api.ca).toString('base64');
  const signed = await admin.patch<CertificateSigningRequest>(R.csrs, undefined, 'approve-me', { status: { certificate, conditions: [] } }, 'merge', { subresource: 'status' });
  assert.equal(signed.status?.certificate, certificate);
  assert.deepEqual(signed.status?.conditions?.map((c) => c.type), ['Approved'], 'a status write keeps the approval');
  assert.equal((await failure(admin.patch(R.csrs, undefined, 'approve-me', { status: { certificate: Buffer.from('-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n').toString('base64') } }, 'merge', { subresource: 'status' }))).code, 422);
  assert.match(await kubectl.ok(['get', 'csr', 'approve-me']), /Approved,Issued/);
});
