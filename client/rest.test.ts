import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ApiError, isNotFound } from '../api/errors.js';
import { findByKind } from '../api/resources.js';
import { resourcePath } from './paths.js';
import { encodePath, RestClient } from './rest.js';

const pods = findByKind('v1', 'Pod')!;
const nodes = findByKind('v1', 'Node')!;
const deployments = findByKind('apps/v1', 'Deployment')!;

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (req: Seen, res: http.ServerResponse) => void;

const servers: Array<{ close: () => Promise<void> }> = [];
after(async () => {
  for (const s of servers) await s.close();
});

async function serve(handler: Handler): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function json(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

test('resourcePath: core vs group, namespaced vs cluster-scoped, subresources', () => {
  assert.equal(resourcePath(pods, 'default'), '/api/v1/namespaces/default/pods');
  assert.equal(resourcePath(pods, undefined), '/api/v1/pods');
  assert.equal(resourcePath(pods, 'ns', 'p1', 'binding'), '/api/v1/namespaces/ns/pods/p1/binding');
  assert.equal(resourcePath(deployments, 'ns', 'web', 'scale'), '/apis/apps/v1/namespaces/ns/deployments/web/scale');
  assert.equal(resourcePath(nodes, 'ignored', 'n1'), '/api/v1/nodes/n1');
  assert.throws(() => resourcePath(pods, undefined, 'p1'), /namespace is required/);
  assert.throws(() => resourcePath(pods, 'ns', ''), /may not be empty/);
});

test('verbs send the right method, path, query, headers and body', async () => {
  const { url, seen } = await serve((req, res) => json(res, req.method === 'POST' ? 201 : 200, { kind: 'Pod', metadata: { name: 'p' } }));
  const client = new RestClient({ server: url + '/prefix/', token: 'sekret', namespace: 'default' }, { userAgent: 'test-agent/1' });
  try {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns1' } };
    await client.get(pods, 'ns1', 'p');
    await client.list(pods, undefined, { labelSelector: 'app=web,tier in (a,b)', limit: 500, continue: '' });
    await client.create(pods, undefined, pod, { fieldManager: 'me' });
    await client.update(pods, 'ns1', pod);
    await client.updateStatus(pods, 'ns1', pod);
    await client.patch(deployments, 'ns1', 'web', { spec: { replicas: 5 } }, 'merge', { subresource: 'scale' });
    await client.patch(deployments, 'ns1', 'web', [{ op: 'replace', path: '/spec/replicas', value: 2 }], 'json');
    await client.patch(deployments, 'ns1', 'web', { spec: {} }, 'strategic');
    await client.patch(deployments, 'ns1', 'web', { apiVersion: 'apps/v1', kind: 'Deployment' }, 'apply', { force: true });
    await client.delete(pods, 'ns1', 'p', { propagationPolicy: 'Background' });
    await client.deleteCollection(pods, 'ns1', { labelSelector: 'a=b' });
    await client.createSubresource(pods, 'ns1', 'p', 'binding', { target: { kind: 'Node', name: 'n1' } });
    await client.getSubresource(deployments, 'ns1', 'web', 'scale');
    await client.putSubresource(deployments, 'ns1', 'web', 'scale', { spec: { replicas: 1 } });
    await client.request({ method: 'GET', path: '/api/v1/namespaces/ns1/pods/p/exec', query: { command: ['sh', '-c'], tty: true, skip: undefined } });

    const lines = seen.map((s) => `${s.method} ${s.url} ${s.headers['content-type'] ?? '-'}`);
    assert.deepEqual(lines, [
      'GET /prefix/api/v1/namespaces/ns1/pods/p -',
      'GET /prefix/api/v1/pods?labelSelector=app%3Dweb%2Ctier+in+%28a%2Cb%29&limit=500 -',
      'POST /prefix/api/v1/namespaces/ns1/pods?fieldManager=me application/json',
      'PUT /prefix/api/v1/namespaces/ns1/pods/p application/json',
      'PUT /prefix/api/v1/namespaces/ns1/pods/p/status application/json',
      'PATCH /prefix/apis/apps/v1/namespaces/ns1/deployments/web/scale application/merge-patch+json',
      'PATCH /prefix/apis/apps/v1/namespaces/ns1/deployments/web application/json-patch+json',
      'PATCH /prefix/apis/apps/v1/namespaces/ns1/deployments/web application/strategic-merge-patch+json',
      'PATCH /prefix/apis/apps/v1/namespaces/ns1/deployments/web?fieldManager=kubelite&force=true application/apply-patch+yaml',
      'DELETE /prefix/api/v1/namespaces/ns1/pods/p application/json',
      'DELETE /prefix/api/v1/namespaces/ns1/pods?labelSelector=a%3Db -',
      'POST /prefix/api/v1/namespaces/ns1/pods/p/binding application/json',
      'GET /prefix/apis/apps/v1/namespaces/ns1/deployments/web/scale -',
      'PUT /prefix/apis/apps/v1/namespaces/ns1/deployments/web/scale application/json',
      'GET /prefix/api/v1/namespaces/ns1/pods/p/exec?command=sh&command=-c&tty=true -',
    ]);
    assert.equal(seen[0]!.headers.authorization, 'Bearer sekret');
    assert.equal(seen[0]!.headers['user-agent'], 'test-agent/1');
    assert.equal(seen[0]!.headers.accept, 'application/json');
    assert.deepEqual(JSON.parse(seen[2]!.body), pod);
    assert.deepEqual(JSON.parse(seen[6]!.body), [{ op: 'replace', path: '/spec/replicas', value: 2 }]);
    assert.deepEqual(JSON.parse(seen[9]!.body), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
    assert.equal(client.resource('apps/v1', 'Deployment'), deployments);
    assert.throws(() => client.resource('v1', 'Nope'), /no resource serves kind "Nope"/);
  } finally {
    client.close();
  }
});

test('errors: a Status body becomes ApiError as-is; anything else is synthesized', async () => {
  const { url } = await serve((req, res) => {
    if (req.url.endsWith('/missing')) {
      json(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "missing" not found', reason: 'NotFound', details: { name: 'missing', kind: 'pods' }, code: 404 });
    } else if (req.url.endsWith('/text')) {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('database on fire\n');
    } else {
      res.writeHead(409, { 'Content-Type': 'text/html' });
      res.end('<html>nope</html>');
    }
  });
  const client = new RestClient({ server: url, namespace: 'default' });
  try {
    await assert.rejects(client.get(pods, 'default', 'missing'), (e: unknown) => {
      assert.ok(e instanceof ApiError && isNotFound(e));
      assert.equal(e.reason, 'NotFound');
      assert.equal(e.message, 'pods "missing" not found');
      assert.equal(e.status.details?.name, 'missing');
      return true;
    });
    await assert.rejects(client.get(pods, 'default', 'text'), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 500);
      assert.equal(e.reason, 'InternalError');
      assert.equal(e.message, 'database on fire');
      return true;
    });
    await assert.rejects(client.get(pods, 'default', 'html'), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 409);
      assert.equal(e.reason, 'Conflict');
      assert.match(e.message, /status 409/);
      return true;
    });
  } finally {
    client.close();
  }
});

test('patchWithoutResult sends the same PATCH as patch, resolves without decoding the answer, and still throws on failure', async () => {
  const { url, seen } = await serve((req, res) => {
    // a body that is not JSON shows the answer is not parsed
    if (req.url.includes('/ok/')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{not json');
    } else {
      json(res, 409, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'conflict', reason: 'Conflict', code: 409 });
    }
  });
  const client = new RestClient({ server: url, namespace: 'default' });
  try {
    const patch = { status: { phase: 'Running' } };
    assert.equal(await client.patchWithoutResult(pods, 'default', 'ok', patch, 'merge', { subresource: 'status', fieldManager: 'k' }), undefined);
    await assert.rejects(client.patch(pods, 'default', 'ok', patch, 'merge', { subresource: 'status', fieldManager: 'k' }), /invalid JSON in response/);
    assert.deepEqual(seen[0], seen[1]);
    assert.equal(seen[0].method, 'PATCH');
    assert.equal(seen[0].url, '/api/v1/namespaces/default/pods/ok/status?fieldManager=k');
    assert.equal(seen[0].headers['content-type'], 'application/merge-patch+json');
    assert.equal(seen[0].body, JSON.stringify(patch));
    await assert.rejects(client.patchWithoutResult(pods, 'default', 'busy', patch, 'merge'), (e: unknown) => e instanceof ApiError && e.reason === 'Conflict');
  } finally {
    client.close();
  }
});

test('GET is retried once on ECONNRESET; POST is not', async () => {
  let resets = 0;
  const { url, seen } = await serve((req, res) => {
    if (req.url.includes('reset') && resets < (req.url.includes('always') ? 99 : 1)) {
      resets++;
      res.socket?.destroy();
      return;
    }
    json(res, 200, { ok: true });
  });
  const client = new RestClient({ server: url, namespace: 'default' });
  try {
    assert.deepEqual(await client.request({ method: 'GET', path: '/reset' }), { ok: true });
    assert.equal(seen.length, 2);
    resets = 0;
    await assert.rejects(client.request({ method: 'POST', path: '/reset', body: {} }), { code: 'ECONNRESET' });
    resets = 0;
    await assert.rejects(client.request({ method: 'GET', path: '/reset-always' }), { code: 'ECONNRESET' });
    assert.equal(resets, 2, 'only one retry');
  } finally {
    client.close();
  }
});

test('timeouts and aborts', async () => {
  const { url } = await serve(() => {
    /* never answers */
  });
  const client = new RestClient({ server: url, namespace: 'default' }, { timeoutMs: 30 });
  try {
    await assert.rejects(client.request({ method: 'GET', path: '/slow' }), { code: 'ETIMEDOUT', message: 'GET /slow: timed out after 30 ms' });
    const ctl = new AbortController();
    const p = client.request({ method: 'GET', path: '/slow', signal: ctl.signal, timeoutMs: 0 });
    setTimeout(() => ctl.abort(), 10);
    await assert.rejects(p, { name: 'AbortError' });
  } finally {
    client.close();
  }
});

test('client-side QPS limit spaces out requests after the burst', async () => {
  const { url } = await serve((_req, res) => json(res, 200, {}));
  const client = new RestClient({ server: url, namespace: 'default' }, { qps: 50, burst: 2 });
  try {
    const start = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => client.request({ method: 'GET', path: '/x' })));
    // 2 from the burst, then 4 at 20 ms apart
    assert.ok(Date.now() - start >= 70, `took ${Date.now() - start} ms`);
  } finally {
    client.close();
  }
});

// ---- TLS, with certificates made by openssl on the fly ----

function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function makePki(dir: string): { ca: Buffer; serverCert: Buffer; serverKey: Buffer; clientCert: Buffer; clientKey: Buffer } {
  const ossl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  ossl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=test-ca', '-days', '1');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:kubernetes\n');
  ossl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=kube-apiserver');
  ossl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'server.ext');
  ossl('req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/O=system:masters/CN=admin');
  ossl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '1');
  const r = (f: string): Buffer => readFileSync(join(dir, f));
  return { ca: r('ca.crt'), serverCert: r('server.crt'), serverKey: r('server.key'), clientCert: r('client.crt'), clientKey: r('client.key') };
}

test('TLS: verifies the server with the CA and tls-server-name, presents the client certificate', { skip: !haveOpenssl() }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rest-tls-'));
  const pki = makePki(dir);
  const server = https.createServer(
    { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
      json(res, 200, { cn: peer?.subject?.CN ?? null, authorized: (req.socket as import('node:tls').TLSSocket).authorized });
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: RestClient[] = [];
  const mk = (extra: Partial<ConstructorParameters<typeof RestClient>[0]>): RestClient => {
    const c = new RestClient({ server: url, namespace: 'default', ...extra });
    clients.push(c);
    return c;
  };
  try {
    const ok = mk({ ca: pki.ca, tlsServerName: 'kubernetes', cert: pki.clientCert, key: pki.clientKey });
    assert.deepEqual(await ok.request({ method: 'GET', path: '/whoami' }), { cn: 'admin', authorized: true });
    // the certificate is for "kubernetes", not 127.0.0.1
    await assert.rejects(mk({ ca: pki.ca }).request({ method: 'GET', path: '/' }), /altnames|IP: 127\.0\.0\.1/);
    await assert.rejects(mk({ tlsServerName: 'kubernetes' }).request({ method: 'GET', path: '/' }), (e: NodeJS.ErrnoException) => e.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || e.code === 'SELF_SIGNED_CERT_IN_CHAIN' || e.code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    assert.deepEqual(await mk({ insecureSkipTLSVerify: true }).request({ method: 'GET', path: '/' }), { cn: null, authorized: false });
  } finally {
    for (const c of clients) c.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('encodePath sends what a URL would, and plain API paths untouched', () => {
  const viaUrl = (p: string): string => {
    const u = new URL(p, 'http://x');
    return u.pathname + u.search;
  };
  const plain = '/api/v1/namespaces/default/pods/web-1%2Fx/binding';
  assert.equal(encodePath(plain), plain);
  for (const p of [plain, '/api/v1/pods?watch=1', '/a b/ü', '/a/../b', '/a/./b', '/a/%2e%2E/b', '/a#frag', '/x/{y}', '/a\\b', "/a/b:c@d!$&'()*+,;=~"]) {
    assert.equal(encodePath(p), viaUrl(p), p);
  }
});

test('a response cut off mid-body rejects instead of resolving with part of it', async () => {
  const { url } = await serve((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
    res.write('{"partial":');
    setTimeout(() => res.socket?.destroy(), 10);
  });
  const client = new RestClient({ server: url, namespace: 'default' });
  try {
    await assert.rejects(client.request({ method: 'POST', path: '/cut', body: {} }), { code: 'ECONNRESET' });
  } finally {
    client.close();
  }
});

test('timeouts: also mid-body and next to a caller signal; a caller abort stays an abort', async () => {
  const { url } = await serve((req, res) => {
    if (req.url.includes('headers-only')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"a":');
    }
    /* otherwise never answers */
  });
  const client = new RestClient({ server: url, namespace: 'default' });
  try {
    await assert.rejects(client.request({ method: 'GET', path: '/headers-only', timeoutMs: 40 }), { code: 'ETIMEDOUT' });
    const ctl = new AbortController();
    await assert.rejects(client.request({ method: 'POST', path: '/slow', body: {}, timeoutMs: 40, signal: ctl.signal }), { code: 'ETIMEDOUT' });
    const p = client.request({ method: 'GET', path: '/slow', timeoutMs: 5000, signal: ctl.signal });
    setTimeout(() => ctl.abort(), 10);
    await assert.rejects(p, { name: 'AbortError' });
    // a quick answer clears its timer: nothing fires later
    const { url: fast } = await serve((_req, res) => json(res, 200, { ok: true }));
    const c2 = new RestClient({ server: fast, namespace: 'default' }, { timeoutMs: 30 });
    assert.deepEqual(await c2.request({ method: 'GET', path: '/x' }), { ok: true });
    await new Promise((r) => setTimeout(r, 60));
    c2.close();
  } finally {
    client.close();
  }
});

test('upload streams a body of unknown length with the client\'s credentials and decodes the answer', async () => {
  const { url, seen } = await serve((req, res) => {
    if (req.url.startsWith('/api/v1/nodes/n1/')) json(res, 200, { received: req.body.length });
    else json(res, 403, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'nodes "n2" is forbidden', reason: 'Forbidden', code: 403 });
  });
  const client = new RestClient({ server: url, namespace: 'default', token: 'secret-token' }, { userAgent: 'test-agent' });
  try {
    const up = client.upload({ method: 'POST', path: '/api/v1/nodes/n1/proxy/images/load', query: { image: ['a:1', 'b:2'] }, contentType: 'application/x-tar' });
    up.req.write(Buffer.alloc(70_000, 1));
    up.req.end(Buffer.alloc(30_000, 2));
    assert.deepEqual(await up.response, { received: 100_000 });
    const s = seen[0];
    assert.equal(s.method, 'POST');
    assert.equal(s.url, '/api/v1/nodes/n1/proxy/images/load?image=a%3A1&image=b%3A2');
    assert.equal(s.headers['content-type'], 'application/x-tar');
    assert.equal(s.headers['transfer-encoding'], 'chunked');
    assert.equal(s.headers.authorization, 'Bearer secret-token');
    assert.equal(s.headers['user-agent'], 'test-agent');

    const refused = client.upload({ method: 'POST', path: '/api/v1/nodes/n2/proxy/images/load', contentType: 'application/x-tar' });
    refused.req.end('x');
    await assert.rejects(refused.response, (e: unknown) => e instanceof ApiError && e.code === 403 && e.message === 'nodes "n2" is forbidden');
  } finally {
    client.close();
  }
});
