import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { ClientWritableStream, ServiceError } from '@grpc/grpc-js';
import type { ImageChunk, LoadImageResult } from '../../api/kubelet-proto.js';
import { forwardImageTar } from './image-load.js';

const images = [{ name: 'a:v1', id: '' }];

class FakeBody extends PassThrough {
  complete = false;
  finish(): void {
    this.complete = true;
    this.end();
  }
}

/** A LoadImage call whose writes complete only when `release()` is called, like a stalled HTTP/2 stream. */
function fakeKubelet() {
  const received: ImageChunk[] = [];
  const held: Array<() => void> = [];
  let answer: ((err: ServiceError | null, res?: LoadImageResult) => void) | undefined;
  let cancelled = false;
  let ended = false;
  const call = new Writable({
    objectMode: true,
    highWaterMark: 2,
    write(chunk: ImageChunk, _enc, cb) {
      received.push(chunk);
      held.push(cb);
    },
    final(cb) {
      ended = true;
      cb();
    },
  }) as Writable & { cancel(): void };
  call.cancel = () => {
    cancelled = true;
  };
  return {
    stub: {
      LoadImage(cb: (err: ServiceError | null, res?: LoadImageResult) => void) {
        answer = cb;
        return call as unknown as ClientWritableStream<ImageChunk>;
      },
    },
    received,
    release: () => held.splice(0).forEach((cb) => cb()),
    answer: (err: ServiceError | null, res?: LoadImageResult) => answer!(err, res),
    get cancelled() { return cancelled; },
    get ended() { return ended; },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

test('start message first, then the body in order; the body pauses while gRPC is full', async () => {
  const k = fakeKubelet();
  const body = new FakeBody();
  const p = forwardImageTar(k.stub, images, body as unknown as IncomingMessage);
  for (let i = 0; i < 5; i++) body.write(Buffer.from(`part${i}`));
  await tick();
  // start + one chunk fill the window of 2: the rest waits in the body, not in memory here
  assert.deepEqual(k.received[0], { start: { images } });
  assert.equal(body.isPaused(), true);
  const before = k.received.length;
  assert.ok(before <= 3, `only the window is taken, got ${before}`);
  for (let i = 0; i < 10 && k.received.length < 6; i++) {
    k.release();
    await tick();
  }
  body.finish();
  for (let i = 0; i < 5; i++) {
    k.release();
    await tick();
  }
  const data = k.received.slice(1).map((c) => ('data' in c ? c.data.toString() : '?'));
  assert.deepEqual(data, ['part0', 'part1', 'part2', 'part3', 'part4']);
  assert.equal(k.ended, true);
  k.answer(null, { images: [{ name: 'a:v1', id: 'x', alreadyPresent: false }], bytes: 25 });
  assert.deepEqual(await p, { images: [{ name: 'a:v1', id: 'x', alreadyPresent: false }], bytes: 25 });
});

test('an answer before the body ends settles at once; the rest is read and dropped', async () => {
  const k = fakeKubelet();
  const body = new FakeBody();
  const p = forwardImageTar(k.stub, images, body as unknown as IncomingMessage);
  body.write(Buffer.from('x'));
  await tick();
  k.answer(null, { images: [{ name: 'a:v1', id: 'x', alreadyPresent: true }], bytes: 0 });
  assert.equal((await p).images[0].alreadyPresent, true);
  const n = k.received.length;
  body.write(Buffer.alloc(1024 * 1024));
  body.finish();
  await tick();
  assert.equal(k.received.length, n);
  assert.equal(body.readableLength, 0);
  assert.equal(k.cancelled, false);
});

test('a client that goes away mid-upload cancels the kubelet call', async () => {
  const k = fakeKubelet();
  const body = new FakeBody();
  const p = forwardImageTar(k.stub, images, body as unknown as IncomingMessage);
  body.write(Buffer.from('x'));
  await tick();
  body.destroy();
  await tick();
  assert.equal(k.cancelled, true);
  assert.equal(k.ended, false);
  k.answer(Object.assign(new Error('cancelled'), { code: 1, details: 'Cancelled on client', metadata: undefined as never }));
  await assert.rejects(p, /cancelled/);
});
