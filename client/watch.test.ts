import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../api/errors.js';
import { findByKind } from '../api/resources.js';
import { RestClient } from './rest.js';
import { decodeWatchEvents, watchStream, WatchLineDecoder } from './watch.js';

const pods = findByKind('v1', 'Pod')!;

const ev = (type: string, name: string, rv: string): string =>
  JSON.stringify({ type, object: { kind: 'Pod', apiVersion: 'v1', metadata: { name, namespace: 'default', resourceVersion: rv, annotations: { note: 'héllo ✓' } } } }) + '\n';

async function* chunksOf(...parts: (string | Buffer)[]): AsyncGenerator<Buffer | string> {
  for (const p of parts) yield p;
}

test('decoder joins lines split at every possible byte boundary, multi-byte characters included', () => {
  const bytes = Buffer.from(ev('ADDED', 'a', '1') + ev('MODIFIED', 'b', '2'));
  for (let cut = 1; cut < bytes.length; cut++) {
    const d = new WatchLineDecoder();
    const docs = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut)), ...d.end()] as Array<{
      type: string;
      object: { metadata: { name: string; annotations: Record<string, string> } };
    }>;
    assert.deepEqual(docs.map((x) => x.type), ['ADDED', 'MODIFIED'], `cut at ${cut}`);
    assert.equal(docs[1]!.object.metadata.annotations.note, 'héllo ✓');
  }
});

test('decoder: blank lines skipped, unterminated last line kept, truncated tail dropped, garbage throws', () => {
  const d = new WatchLineDecoder();
  assert.deepEqual(d.push('\n\n{"a":1}\r\n{"b"'), [{ a: 1 }]);
  assert.deepEqual(d.push(':2}'), []);
  assert.deepEqual(d.end(), [{ b: 2 }]);
  const t = new WatchLineDecoder();
  t.push('{"type":"ADDED","obj');
  assert.deepEqual(t.end(), []);
  assert.throws(() => new WatchLineDecoder().push('not json\n'), /invalid JSON/);
});

test('ERROR event with 410 Expired is thrown as ApiError after earlier events', async () => {
  const expired = JSON.stringify({
    type: 'ERROR',
    object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (5)', reason: 'Expired', code: 410 },
  });
  const seen: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const e of decodeWatchEvents(chunksOf(ev('ADDED', 'a', '3'), expired.slice(0, 20), expired.slice(20) + '\n'))) {
        seen.push(e.type);
      }
    })(),
    (e: unknown) => e instanceof ApiError && e.code === 410 && e.reason === 'Expired',
  );
  assert.deepEqual(seen, ['ADDED']);
});

test('watchStream over HTTP: query, chunked events, server close ends iteration, abort ends quietly', async () => {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url!);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const body = ev('ADDED', 'a', '11') + ev('BOOKMARK', '', '12');
    if (req.url!.includes('fieldSelector')) {
      // stays open until the client aborts
      res.write(body);
      return;
    }
    res.write(body.slice(0, 37));
    setTimeout(() => res.end(body.slice(37)), 5);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = new RestClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, namespace: 'default' });
  try {
    const got: string[] = [];
    for await (const e of watchStream(client, pods, 'default', { resourceVersion: '10', allowWatchBookmarks: true, timeoutSeconds: 30 })) {
      got.push(`${e.type}:${e.object.metadata.resourceVersion}`);
    }
    assert.deepEqual(got, ['ADDED:11', 'BOOKMARK:12']);
    assert.equal(requests[0], '/api/v1/namespaces/default/pods?watch=true&resourceVersion=10&allowWatchBookmarks=true&timeoutSeconds=30');

    const ctl = new AbortController();
    const open: string[] = [];
    for await (const e of watchStream(client, pods, undefined, { fieldSelector: 'spec.nodeName=n1', signal: ctl.signal })) {
      open.push(e.type);
      if (open.length === 2) ctl.abort();
    }
    assert.deepEqual(open, ['ADDED', 'BOOKMARK']);
    assert.equal(requests[1], '/api/v1/pods?watch=true&fieldSelector=spec.nodeName%3Dn1');
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('watchStream: a non-2xx reply throws the server Status', async () => {
  const server = http.createServer((_req, res) => {
    res.writeHead(410, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', message: 'too old', code: 410 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = new RestClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, namespace: 'default' });
  try {
    await assert.rejects(
      (async () => {
        for await (const _ of watchStream(client, pods, 'default', { resourceVersion: '1' })) void _;
      })(),
      (e: unknown) => e instanceof ApiError && e.code === 410 && e.message === 'too old',
    );
  } finally {
    client.close();
    await new Promise((r) => server.close(r));
  }
});
