import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildKubeconfig, loadKubeconfig, mergeKubeconfig } from './kubeconfig.js';

let dir: string;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

const MAIN = `
apiVersion: v1
kind: Config
current-context: admin@dev
clusters:
- name: dev
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: ${b64('CA-PEM')}
    tls-server-name: kubernetes
- name: files
  cluster:
    server: https://files:6443
    certificate-authority: pki/ca.crt
- name: insecure
  cluster:
    server: https://insecure:6443
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    client-certificate-data: ${b64('CERT-PEM')}
    client-key-data: ${b64('KEY-PEM')}
- name: filecert
  user:
    client-certificate: pki/admin.crt
    client-key: /ABS/admin.key
- name: tok
  user:
    token: abc123
- name: tokfile
  user:
    tokenFile: token.txt
contexts:
- name: admin@dev
  context: {cluster: dev, user: admin, namespace: apps}
- name: files
  context: {cluster: files, user: tokfile}
- name: insecure
  context: {cluster: insecure, user: tok}
- name: broken-user
  context: {cluster: dev, user: ghost}
- name: broken-cluster
  context: {cluster: ghost, user: tok}
- name: abs-key
  context: {cluster: files, user: filecert}
`;

test('current context with inline data fields', () => {
  const path = write('main/config', MAIN);
  const cfg = loadKubeconfig({ path });
  assert.equal(cfg.server, 'https://10.0.0.1:6443');
  assert.equal(cfg.ca?.toString(), 'CA-PEM');
  assert.equal(cfg.cert?.toString(), 'CERT-PEM');
  assert.equal(cfg.key?.toString(), 'KEY-PEM');
  assert.equal(cfg.tlsServerName, 'kubernetes');
  assert.equal(cfg.namespace, 'apps');
  assert.equal(cfg.token, undefined);
  assert.equal(cfg.insecureSkipTLSVerify, undefined);
});

test('file fields resolve relative to the kubeconfig directory; tokenFile is trimmed', () => {
  const path = write('main/config', MAIN);
  write('main/pki/ca.crt', 'CA-FROM-FILE');
  write('main/token.txt', 'filetoken\n');
  const cfg = loadKubeconfig({ path, context: 'files' });
  assert.equal(cfg.server, 'https://files:6443');
  assert.equal(cfg.ca?.toString(), 'CA-FROM-FILE');
  assert.equal(cfg.token, 'filetoken');
  assert.equal(cfg.namespace, 'default');
});

test('insecure-skip-tls-verify and token', () => {
  const cfg = loadKubeconfig({ path: write('main/config', MAIN), context: 'insecure' });
  assert.equal(cfg.insecureSkipTLSVerify, true);
  assert.equal(cfg.token, 'abc123');
  assert.equal(cfg.ca, undefined);
});

test('clear one-line errors', () => {
  const path = write('main/config', MAIN);
  assert.throws(() => loadKubeconfig({ path, context: 'foo' }), { message: `kubeconfig ${path}: context "foo" not found` });
  assert.throws(() => loadKubeconfig({ path, context: 'broken-user' }), { message: `kubeconfig ${path}: user "ghost" not found` });
  assert.throws(() => loadKubeconfig({ path, context: 'broken-cluster' }), {
    message: `kubeconfig ${path}: cluster "ghost" not found`,
  });
  write('main/pki/admin.crt', 'C');
  assert.throws(() => loadKubeconfig({ path, context: 'abs-key' }), /^Error: kubeconfig .*: reading client-key \/ABS\/admin.key: ENOENT/);
  const missing = join(dir, 'nope');
  assert.throws(() => loadKubeconfig({ path: missing }), (e: Error) => e.message.startsWith(`kubeconfig ${missing}:`));
  const noCurrent = write('nocurrent', 'apiVersion: v1\nclusters: []\n');
  assert.throws(() => loadKubeconfig({ path: noCurrent }), { message: `kubeconfig ${noCurrent}: no current-context set and no context given` });
  const bad = write('bad', 'clusters: [\n');
  assert.throws(
    () => loadKubeconfig({ path: bad }),
    (e: Error) => /invalid YAML/.test(e.message) && !e.message.includes('\n'),
  );
});

test('precedence: explicit path, then KUBECONFIG (first file wins per key), then ~/.kube/config', () => {
  const one = write('merge/one', `
current-context: a
clusters:
- name: c
  cluster: {server: https://one}
users:
- name: u
  user: {token: one}
contexts:
- name: a
  context: {cluster: c, user: u}
`);
  const two = write('merge/two', `
current-context: b
clusters:
- name: c
  cluster: {server: https://two}
- name: only-two
  cluster: {server: https://only-two}
users:
- name: u
  user: {token: two}
contexts:
- name: b
  context: {cluster: only-two, user: u, namespace: nb}
`);
  const home = join(dir, 'home');
  write('home/.kube/config', `
current-context: h
clusters: [{name: h, cluster: {server: https://home}}]
contexts: [{name: h, context: {cluster: h}}]
`);
  const env = { KUBECONFIG: `${join(dir, 'missing')}:${one}::${two}`, HOME: home };

  const merged = loadKubeconfig({ env });
  assert.equal(merged.server, 'https://one');
  assert.equal(merged.token, 'one');
  // context b exists only in file two, and its user u resolves to file one's entry
  const b = loadKubeconfig({ env, context: 'b' });
  assert.equal(b.server, 'https://only-two');
  assert.equal(b.token, 'one');
  assert.equal(b.namespace, 'nb');

  assert.equal(loadKubeconfig({ env, path: two }).server, 'https://only-two');
  const fromHome = loadKubeconfig({ env: { HOME: home } });
  assert.equal(fromHome.server, 'https://home');
  assert.equal(fromHome.token, undefined);
  assert.throws(() => loadKubeconfig({ env: { HOME: join(dir, 'nohome') } }), /no such file/);
});

test('buildKubeconfig output loads back; mergeKubeconfig replaces same-named entries', () => {
  const built = buildKubeconfig({
    clusterName: 'kubelite',
    server: 'https://127.0.0.1:6443',
    caData: 'CA',
    user: { certData: Buffer.from('CERT'), keyData: 'KEY' },
    contextName: 'kubelite',
    namespace: 'ns1',
  });
  const cfg = loadKubeconfig({ path: write('built', built) });
  assert.deepEqual(
    { server: cfg.server, ca: cfg.ca?.toString(), cert: cfg.cert?.toString(), key: cfg.key?.toString(), ns: cfg.namespace },
    { server: 'https://127.0.0.1:6443', ca: 'CA', cert: 'CERT', key: 'KEY', ns: 'ns1' },
  );

  const existing = `
apiVersion: v1
kind: Config
current-context: other
preferences: {colors: true}
clusters: [{name: other, cluster: {server: https://other}}, {name: kubelite, cluster: {server: https://stale}}]
users: [{name: other, user: {token: t}}]
contexts: [{name: other, context: {cluster: other, user: other}}]
`;
  const kept = parse(mergeKubeconfig(existing, built, { setCurrentContext: false }));
  assert.equal(kept['current-context'], 'other');
  assert.deepEqual(kept.preferences, { colors: true });
  assert.deepEqual(
    kept.clusters.map((c: { name: string; cluster: { server: string } }) => [c.name, c.cluster.server]),
    [['other', 'https://other'], ['kubelite', 'https://127.0.0.1:6443']],
  );
  assert.equal(kept.users.length, 2);

  const switched = mergeKubeconfig(existing, built, { setCurrentContext: true });
  assert.equal(parse(switched)['current-context'], 'kubelite');
  assert.equal(loadKubeconfig({ path: write('switched', switched) }).server, 'https://127.0.0.1:6443');

  const fresh = parse(mergeKubeconfig(undefined, built, { setCurrentContext: false }));
  assert.equal(fresh['current-context'], 'kubelite');
});
