// The generic request path over real TLS: routing, path decoding, body parsing by
// Content-Type, negotiation, authentication and metrics, as clients see them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'node:https';
import pino from 'pino';
import { run, type RunningApiserver } from '../main.js';
import { MAX_BODY_BYTES } from './server.js';

let api: RunningApiserver;
let dir: string;
let admin: Agent;
let anonymous: Agent;

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; text: string }

function call(agent: Agent, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.url}${path}`, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (a: Answer): Record<string, unknown> => JSON.parse(a.text) as Record<string, unknown>;
const pod = (name: string) => JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 't' },
  spec: { containers: [{ name: 'c', image: 'kubelite.local/pause:3.9' }] },
});

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubelite-server-test-'));
  api = await run({ dataDir: dir, bindAddress: '127.0.0.1', securePort: 0, advertiseAddress: '127.0.0.1', logger: pino({ level: 'silent' }) });
  const pki = join(dir, 'pki');
  const ca = await readFile(join(pki, 'ca.crt'), 'utf8');
  admin = new Agent({ keepAlive: true, ca, cert: await readFile(join(pki, 'admin.crt'), 'utf8'), key: await readFile(join(pki, 'admin.key'), 'utf8') });
  anonymous = new Agent({ keepAlive: true, ca });
  const ns = await call(admin, 'POST', '/api/v1/namespaces', { 'content-type': 'application/json' },
    JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 't' } }));
  assert.equal(ns.status, 201, ns.text);
  const p = await call(admin, 'POST', '/api/v1/namespaces/t/pods', { 'content-type': 'application/json' }, pod('p'));
  assert.equal(p.status, 201, p.text);
});

after(async () => {
  admin.destroy();
  anonymous.destroy();
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

test('bodies are read whatever the Content-Type parameters, and unknown types are refused as Status', async () => {
  for (const name of ['q', 'r']) {
    const created = await call(admin, 'POST', '/api/v1/namespaces/t/pods', { 'content-type': 'application/json; charset=utf-8' }, pod(name));
    assert.equal(created.status, 201, created.text);
    assert.match(String(created.headers['content-type']), /^application\/json\b/);
    assert.equal((json(created).metadata as { name: string }).name, name);
  }
  const yaml = await call(admin, 'POST', '/api/v1/namespaces/t/pods', { 'content-type': 'application/yaml' },
    'apiVersion: v1\nkind: Pod\nmetadata: {name: y, namespace: t}\nspec: {containers: [{name: c, image: i}]}\n');
  assert.equal(yaml.status, 201, yaml.text);

  const patched = await call(admin, 'PATCH', '/api/v1/namespaces/t/pods/p', { 'content-type': 'application/merge-patch+json' },
    JSON.stringify({ metadata: { labels: { a: 'b' } } }));
  assert.equal(patched.status, 200, patched.text);
  assert.deepEqual((json(patched).metadata as { labels: unknown }).labels, { a: 'b' });

  const plain = await call(admin, 'PATCH', '/api/v1/namespaces/t/pods/p', { 'content-type': 'text/plain' }, '{}');
  assert.equal(plain.status, 415);
  assert.equal(json(plain).kind, 'Status');
  assert.equal(json(plain).code, 415);
  for (const type of ['application/json', 'application/x-unlisted']) {
    const big = await call(admin, 'POST', '/api/v1/namespaces/t/configmaps', { 'content-type': type }, `{"x":"${'a'.repeat(MAX_BODY_BYTES)}"}`);
    assert.equal(big.status, 413, type);
    assert.equal(json(big).reason, 'RequestEntityTooLarge');
  }
  const bad = await call(admin, 'POST', '/api/v1/namespaces/t/pods', { 'content-type': 'application/json' }, '{');
  assert.equal(bad.status, 400);
  assert.equal(json(bad).reason, 'BadRequest');
});

test('paths: trailing slashes, escaped segments, unknown resources and bad escapes', async () => {
  const plain = await call(admin, 'GET', '/api/v1/namespaces/t/pods/p');
  assert.equal(plain.status, 200, plain.text);
  const slash = await call(admin, 'GET', '/api/v1/namespaces/t/pods/p/');
  assert.equal(slash.status, 200);
  assert.equal((json(slash).metadata as { name: string }).name, 'p');
  const escaped = await call(admin, 'GET', '/api/v1/namespaces/%74/pods/%70');
  assert.equal(escaped.status, 200, escaped.text);
  assert.equal((json(escaped).metadata as { name: string }).name, 'p');

  const unknown = await call(admin, 'GET', '/api/v1/widgets');
  assert.equal(unknown.status, 404);
  assert.equal(json(unknown).kind, 'Status');
  const badGroup = await call(admin, 'GET', '/apis/nope.io/v1/things');
  assert.equal(badGroup.status, 404);
  const group = await call(admin, 'GET', '/apis/apps');
  assert.equal(group.status, 200);
  assert.equal(json(group).kind, 'APIGroup');
  // fastify refuses a malformed escape before routing (its own error body, not a Status)
  const bad = await call(admin, 'GET', '/api/v1/namespaces/t/pods/%zz');
  assert.equal(bad.status, 400);
});

test('negotiation: JSON by default, YAML and Table on request', async () => {
  const yaml = await call(admin, 'GET', '/api/v1/namespaces/t/pods/p', { accept: 'application/yaml' });
  assert.equal(yaml.headers['content-type'], 'application/yaml');
  assert.match(yaml.text, /^apiVersion: v1\n/);
  const table = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
  for (let i = 0; i < 2; i++) {
    const t = await call(admin, 'GET', '/api/v1/namespaces/t/pods', { accept: table });
    assert.equal(json(t).kind, 'Table');
  }
  const meta = await call(admin, 'GET', '/api/v1/namespaces/t/pods/p', { accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' });
  assert.equal(json(meta).kind, 'Pod');
});

test('authentication and authorization: anonymous gets 401, probes stay public', async () => {
  const denied = await call(anonymous, 'GET', '/api/v1/namespaces/t/pods/p');
  assert.equal(denied.status, 401);
  assert.equal(json(denied).reason, 'Unauthorized');
  const health = await call(anonymous, 'GET', '/healthz');
  assert.equal(health.status, 200);
  assert.equal(health.text, 'ok');
});

test('metrics count requests by verb, resource and code', async () => {
  const missing = await call(admin, 'GET', '/api/v1/namespaces/t/configmaps/missing');
  assert.equal(missing.status, 404);
  const m = await call(admin, 'GET', '/metrics');
  assert.match(m.text, /apiserver_request_total\{verb="get",resource="configmaps",code="404"\} 1\n/, 'an error answer counts under its own code');
  assert.doesNotMatch(m.text, /apiserver_request_total\{verb="get",resource="configmaps",code="200"\}/);
  assert.equal(m.status, 200);
  assert.match(m.text, /apiserver_request_total\{verb="get",resource="pods",code="200"\} \d+/);
  assert.match(m.text, /apiserver_request_duration_seconds_bucket\{le="\+Inf",verb="get",resource="pods"\} \d+/);
});
