// Bad input gets a 4xx Status, nothing is stored, and the server keeps serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApiserver, removeDir, type Apiserver } from './harness.js';

let api: Apiserver;
let cert: string;
let key: string;

before(async () => {
  api = await startApiserver();
  cert = readFileSync(join(api.dataDir, 'pki', 'admin.crt'), 'utf8');
  key = readFileSync(join(api.dataDir, 'pki', 'admin.key'), 'utf8');
});

after(async () => {
  await api?.stop();
  if (api) await removeDir(api.dataDir);
});

interface Reply { code: number; body: string; json?: { kind?: string; reason?: string; code?: number; message?: string; details?: { causes?: unknown[] } } }

function request(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}, auth = true): Promise<Reply> {
  return new Promise((res, rej) => {
    const req = https.request({
      host: '127.0.0.1', port: api.port, path, method, ca: api.ca, headers,
      ...(auth ? { cert, key } : {}),
    }, (r) => {
      let data = '';
      r.on('data', (d) => (data += d));
      r.on('end', () => {
        let json;
        try { json = JSON.parse(data); } catch { /* not JSON */ }
        res({ code: r.statusCode ?? 0, body: data, json });
      });
    });
    req.on('error', rej);
    req.end(body);
  });
}

const json = { 'content-type': 'application/json' };

test('unauthenticated requests get 401 except health and version', async () => {
  const r = await request('GET', '/api/v1/namespaces', undefined, {}, false);
  assert.equal(r.code, 401);
  assert.equal(r.json?.kind, 'Status');
  assert.equal(r.json?.reason, 'Unauthorized');
  assert.equal((await request('GET', '/healthz', undefined, {}, false)).code, 200);
  const v = await request('GET', '/version', undefined, {}, false);
  assert.equal(v.code, 200);
  assert.equal(typeof JSON.parse(v.body).minor, 'string');
  const badToken = await request('GET', '/api/v1/pods', undefined, { authorization: 'Bearer nope' }, false);
  assert.equal(badToken.code, 401);
});

test('malformed JSON, YAML and protobuf are 400 BadRequest', async () => {
  for (const [type, body] of [['application/json', '{"kind": '], ['application/yaml', 'a: [b'], ['application/vnd.kubernetes.protobuf', 'k8s\u0000\u00ff\u00ff\u00ff']]) {
    const r = await request('POST', '/api/v1/namespaces/default/configmaps', body, { 'content-type': type });
    assert.equal(r.code, 400, `${type}: ${r.body}`);
    assert.equal(r.json?.kind, 'Status');
    assert.equal(r.json?.reason, 'BadRequest');
  }
});

test('wrong types and invalid objects are 422 Invalid listing every field', async () => {
  const r = await request('POST', '/apis/apps/v1/namespaces/default/deployments', JSON.stringify({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'UPPER' },
    spec: { replicas: -1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'c' } }, spec: { containers: [{ name: 'x' }] } } },
  }), json);
  assert.equal(r.code, 422, r.body);
  assert.equal(r.json?.reason, 'Invalid');
  assert.ok((r.json?.details?.causes ?? []).length >= 4, r.body);
  const typed = await request('POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: 'not-a-map' }), json);
  assert.ok(typed.code === 400 || typed.code === 422, typed.body);
});

test('unknown kinds, mismatched kinds and unknown resources are refused', async () => {
  assert.equal((await request('GET', '/api/v1/namespaces/default/widgets')).code, 404);
  assert.equal((await request('GET', '/apis/nope.example.com/v1/things')).code, 404);
  const mismatch = await request('POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }), json);
  assert.equal(mismatch.code, 400, mismatch.body);
});

test('bodies over 3 MiB are 413 and names over 253 characters are 422', async () => {
  const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { a: 'x'.repeat(3 * 1024 * 1024 + 10) } });
  const r = await request('POST', '/api/v1/namespaces/default/configmaps', big, json);
  assert.equal(r.code, 413, r.body.slice(0, 200));
  assert.equal(r.json?.reason, 'RequestEntityTooLarge');
  const long = await request('POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a'.repeat(300) } }), json);
  assert.equal(long.code, 422, long.body);
});

test('stale resourceVersion is 409 Conflict; missing namespace is 404', async () => {
  const created = await request('POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cas' }, data: { a: '1' } }), json);
  assert.equal(created.code, 201);
  const obj = JSON.parse(created.body);
  const upd1 = await request('PUT', '/api/v1/namespaces/default/configmaps/cas', JSON.stringify({ ...obj, data: { a: '2' } }), json);
  assert.equal(upd1.code, 200);
  const upd2 = await request('PUT', '/api/v1/namespaces/default/configmaps/cas', JSON.stringify({ ...obj, data: { a: '3' } }), json);
  assert.equal(upd2.code, 409);
  assert.equal(upd2.json?.reason, 'Conflict');
  const nsMissing = await request('POST', '/api/v1/namespaces/nowhere/configmaps', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }), json);
  assert.equal(nsMissing.code, 404, nsMissing.body);
});

test('nothing bad was stored and the server still answers', async () => {
  const list = await request('GET', '/api/v1/namespaces/default/configmaps');
  assert.equal(list.code, 200);
  const names = JSON.parse(list.body).items.map((i: { metadata: { name: string } }) => i.metadata.name);
  assert.deepEqual(names, ['cas']);
});

test('/metrics reports requests, watchers and storage batches', async () => {
  const r = await request('GET', '/metrics');
  assert.equal(r.code, 200);
  assert.match(r.body, /apiserver_request_total\{verb="create",resource="configmaps",code="201"\} \d+/);
  assert.match(r.body, /apiserver_request_duration_seconds_bucket/);
  assert.match(r.body, /apiserver_storage_batch_duration_seconds_count \d+/);
  assert.match(r.body, /apiserver_storage_objects\{resource="namespaces"\} 4/);
  assert.equal((await request('GET', '/metrics', undefined, {}, false)).code, 401);
});
