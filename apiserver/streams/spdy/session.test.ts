import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { SpdySession, type SpdyStream } from './session.js';
import {
  ControlType, FLAG_FIN, FrameParser, decodePing, decodeSynReply, encodeData, encodePing, encodeRstStream, encodeSynStream, type Frame,
} from './frames.js';
import { HeaderDecompressor, decodeHeaderBlock, encodeHeaderBlock } from './headers.js';
import { SPDY3_DICTIONARY } from './dictionary.js';

/** A client like spdystream: one sync-flushed deflate stream for its header blocks. */
class Client {
  private readonly deflate = zlib.createDeflate({ dictionary: SPDY3_DICTIONARY });
  private readonly chunks: Buffer[] = [];
  constructor() {
    this.deflate.on('data', (d: Buffer) => this.chunks.push(d));
  }
  headers(h: Array<[string, string]>): Promise<Buffer> {
    return new Promise((res) => {
      this.deflate.write(encodeHeaderBlock(h));
      this.deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => res(Buffer.concat(this.chunks.splice(0))));
    });
  }
  async syn(id: number, h: Array<[string, string]>, flags = 0): Promise<Buffer> {
    return encodeSynStream({ streamId: id, associatedStreamId: 0, priority: 0, headerBlock: await this.headers(h) }, flags);
  }
  close() {
    this.deflate.destroy();
  }
}

const tick = () => new Promise((r) => setTimeout(r, 20));

test('streams open, carry data both ways, half-close, and pings are echoed', async () => {
  const written: Buffer[] = [];
  const opened: SpdyStream[] = [];
  const received: string[] = [];
  let ended = 0;
  const session = new SpdySession({ write: (b) => written.push(b), close: () => {} }, {
    onStream: (s) => {
      opened.push(s);
      s.reply();
      s.on('data', (d) => received.push(`${s.id}:${d.toString()}`));
      s.on('end', () => ended++);
    },
    onClose: () => {},
  });
  const c = new Client();
  const wire = Buffer.concat([
    await c.syn(1, [['streamType', 'error'], ['port', '80'], ['requestID', '0']], 0),
    await c.syn(3, [['streamType', 'data'], ['port', '80'], ['requestID', '0']], 0),
    encodeData(3, 0, Buffer.from('GET / HTTP/1.0\r\n\r\n')),
    encodeData(1, FLAG_FIN, Buffer.alloc(0)),
    encodePing(1),
  ]);
  // split the wire bytes oddly, as WebSocket messages may
  session.receive(wire.subarray(0, 5));
  session.receive(wire.subarray(5, 40));
  session.receive(wire.subarray(40));
  await tick();
  assert.deepEqual(opened.map((s) => [s.id, s.header('streamtype'), s.header('port'), s.header('requestid')]), [
    [1, 'error', '80', '0'], [3, 'data', '80', '0'],
  ]);
  assert.deepEqual(received, ['3:GET / HTTP/1.0\r\n\r\n']);
  assert.equal(ended, 1);
  opened[1].write(Buffer.from('HTTP/1.0 200 OK\r\n\r\nhi'));
  opened[1].end();

  const frames: Frame[] = new FrameParser().push(Buffer.concat(written));
  const d = new HeaderDecompressor();
  const replies = frames.filter((f) => f.kind === 'control' && f.type === ControlType.SynReply);
  assert.equal(replies.length, 2);
  for (const r of replies) {
    if (r.kind !== 'control') continue;
    const rep = decodeSynReply(r.payload);
    assert.equal(decodeHeaderBlock(await d.decompress(rep.headerBlock)).size, 0);
  }
  const pong = frames.find((f) => f.kind === 'control' && f.type === ControlType.Ping);
  assert.ok(pong && pong.kind === 'control' && decodePing(pong.payload) === 1);
  const data = frames.filter((f) => f.kind === 'data');
  assert.deepEqual(data.map((f) => f.kind === 'data' && [f.streamId, f.flags, f.data.toString()]), [
    [3, 0, 'HTTP/1.0 200 OK\r\n\r\nhi'], [3, FLAG_FIN, ''],
  ]);
  d.close();
  c.close();
});

test('a reset from the client reaches the stream; closing resets the rest', async () => {
  const resets: number[] = [];
  let closed = false;
  let streams = 0;
  const session = new SpdySession({ write: () => {}, close: () => { closed = true; } }, {
    onStream: (s) => {
      streams++;
      s.on('reset', (st) => resets.push(s.id * 100 + st));
    },
    onClose: () => {},
  });
  const c = new Client();
  session.receive(Buffer.concat([await c.syn(1, [['a', 'b']]), await c.syn(3, [['a', 'b']]), encodeRstStream(1, 5)]));
  // header blocks inflate asynchronously: wait for both streams and the reset, however loaded the machine
  await until(() => streams === 2 && resets.length === 1);
  session.close();
  assert.deepEqual(resets, [105, 305]);
  assert.equal(closed, true);
  c.close();
});

test('garbage header compression closes the session with an error', async () => {
  let error: Error | undefined;
  const session = new SpdySession({ write: () => {}, close: () => {} }, { onStream: () => {}, onClose: (e) => { error = e; } });
  session.receive(encodeSynStream({ streamId: 1, associatedStreamId: 0, priority: 0, headerBlock: Buffer.from([1, 2, 3, 4]) }, 0));
  await until(() => error !== undefined);
  assert.ok(error);
});

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}
