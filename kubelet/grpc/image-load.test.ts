import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { status, type sendUnaryData, type ServerReadableStream } from '@grpc/grpc-js';
import type Dockerode from 'dockerode';
import pino from 'pino';
import type { ImageChunk, LoadImageResult } from '../../api/kubelet-proto.js';
import { imageStatus, serveLoadImage, validateStart } from './image-load.js';

const A = `sha256:${'a'.repeat(64)}`;
const logger = pino({ level: 'silent' });

/** Docker that knows `ids`, and on load reads the whole archive and reports `reply`. */
function fakeDocker(ids: Map<string, string>, reply: (tar: Buffer) => { output: string; sets?: [string, string][] }) {
  const seen = { loads: 0, tar: Buffer.alloc(0), signal: undefined as AbortSignal | undefined };
  const docker = {
    getImage: (name: string) => ({
      inspect: async () => {
        const id = ids.get(name);
        if (!id) throw Object.assign(new Error('No such image'), { statusCode: 404 });
        return { Id: id };
      },
    }),
    loadImage: async (tar: Readable, opts: { abortSignal?: AbortSignal }) => {
      seen.loads++;
      seen.signal = opts.abortSignal;
      const chunks: Buffer[] = [];
      for await (const c of tar) chunks.push(c as Buffer);
      seen.tar = Buffer.concat(chunks);
      const r = reply(seen.tar);
      for (const [n, id] of r.sets ?? []) ids.set(n, id);
      return Readable.from([Buffer.from(r.output)]);
    },
  };
  return { docker: docker as unknown as Dockerode, seen };
}

function run(docker: Dockerode, msgs: ImageChunk[], opts: { endStream?: boolean } = {}) {
  const call = new Readable({ objectMode: true, read() {} });
  for (const m of msgs) call.push(m);
  if (opts.endStream !== false) call.push(null);
  const result = new Promise<{ err: { code?: number; details?: string } | null; res?: LoadImageResult }>((resolve) => {
    const cb: sendUnaryData<LoadImageResult> = (err, res) => resolve({ err: err as { code?: number; details?: string } | null, res: res ?? undefined });
    serveLoadImage(docker, logger, call as unknown as ServerReadableStream<ImageChunk, LoadImageResult>, cb);
  });
  return { call, result };
}

const start = (id = A): ImageChunk => ({ chunk: 'start', start: { images: [{ name: 'kubelite.local/x:v1', id }] } });
const data = (s: string): ImageChunk => ({ chunk: 'data', data: Buffer.from(s) });

test('the archive reaches Docker whole, and success is what Docker reports', async () => {
  const { docker, seen } = fakeDocker(new Map(), () => ({ output: '{"stream":"Loaded image: kubelite.local/x:v1\\n"}\n', sets: [['kubelite.local/x:v1', A]] }));
  const { result } = run(docker, [start(), data('tar-'), data('bytes')]);
  const { err, res } = await result;
  assert.equal(err, null);
  assert.equal(seen.tar.toString(), 'tar-bytes');
  assert.deepEqual(res, { images: [{ name: 'kubelite.local/x:v1', id: A, alreadyPresent: false }], bytes: 9 });
});

test('an image already here under the same ID is not loaded again', async () => {
  const { docker, seen } = fakeDocker(new Map([['kubelite.local/x:v1', A]]), () => ({ output: '' }));
  const { result } = run(docker, [start(), data('tar')], { endStream: false });
  const { err, res } = await result;
  assert.equal(err, null);
  assert.equal(seen.loads, 0);
  assert.equal(res?.images[0].alreadyPresent, true);
});

test('a load Docker does not confirm is an error', async () => {
  const { docker } = fakeDocker(new Map(), () => ({ output: '{"errorDetail":{"message":"unexpected EOF"},"error":"unexpected EOF"}\n' }));
  const { err } = await run(docker, [start(), data('trunc')]).result;
  assert.equal(err?.code, status.INTERNAL);
  assert.match(err?.details ?? '', /docker load failed: unexpected EOF/);
  const silent = fakeDocker(new Map(), () => ({ output: '{"stream":"Loaded image: other:v1\\n"}\n', sets: [['other:v1', A]] }));
  const r2 = await run(silent.docker, [start(), data('t')]).result;
  assert.match(r2.err?.details ?? '', /was not in the archive/);
});

test('a cancelled call aborts the Docker request', async () => {
  const { docker, seen } = fakeDocker(new Map(), () => ({ output: '' }));
  const { call } = run(docker, [start(), data('part')], { endStream: false });
  for (let waited = 0; seen.loads === 0 && waited < 10_000; waited += 5) await new Promise((r) => setTimeout(r, 5));
  assert.equal(seen.loads, 1);
  call.emit('cancelled');
  assert.equal(seen.signal?.aborted, true);
});

test('the first message must name valid images', async () => {
  const { docker } = fakeDocker(new Map(), () => ({ output: '' }));
  assert.equal((await run(docker, [data('x')]).result).err?.code, status.INVALID_ARGUMENT);
  assert.equal((await run(docker, []).result).err?.code, status.INVALID_ARGUMENT);
  assert.throws(() => validateStart({ images: [] }), /at least one image/);
  assert.throws(() => validateStart({ images: [{ name: 'bad name', id: '' }] }), /invalid image name/);
  assert.throws(() => validateStart({ images: [{ name: 'a:v1', id: 'sha256:short' }] }), /invalid image ID/);
});

test('image status: the ID per name in request order, "" when absent', async () => {
  const { docker } = fakeDocker(new Map([['b:v1', A]]), () => ({ output: '' }));
  assert.deepEqual(await imageStatus(docker, { names: ['a:v1', 'b:v1'] }), { images: [{ name: 'a:v1', id: '' }, { name: 'b:v1', id: A }] });
  await assert.rejects(imageStatus(docker, { names: [] }), /at least one image/);
  await assert.rejects(imageStatus(docker, { names: ['bad name'] }), /invalid image name/);
});
