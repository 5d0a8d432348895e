import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ControlType, FLAG_FIN, FrameParser, decodeGoAway, decodePing, decodeRstStream, decodeSynReply, decodeSynStream,
  encodeData, encodeGoAway, encodePing, encodeRstStream, encodeSynReply, encodeSynStream, type Frame,
} from './frames.js';

function parseAll(buf: Buffer): Frame[] {
  return new FrameParser().push(buf);
}

test('SYN_STREAM wire layout and round trip', () => {
  const wire = encodeSynStream({ streamId: 1, associatedStreamId: 0, priority: 2, headerBlock: Buffer.from('hb') }, FLAG_FIN);
  // control bit + version 3, type 1, flags FIN, length 12
  assert.deepEqual([...wire.subarray(0, 8)], [0x80, 0x03, 0x00, 0x01, 0x01, 0x00, 0x00, 0x0c]);
  const [f] = parseAll(wire);
  assert.equal(f.kind, 'control');
  if (f.kind !== 'control') return;
  assert.equal(f.type, ControlType.SynStream);
  assert.equal(f.version, 3);
  assert.equal(f.flags, FLAG_FIN);
  const s = decodeSynStream(f.payload);
  assert.deepEqual({ ...s, headerBlock: s.headerBlock.toString() }, { streamId: 1, associatedStreamId: 0, priority: 2, headerBlock: 'hb' });
});

test('data frames, split across chunks in any place', () => {
  const wire = Buffer.concat([encodeData(3, 0, Buffer.from('hello')), encodeData(5, FLAG_FIN, Buffer.alloc(0))]);
  assert.deepEqual([...wire.subarray(0, 8)], [0, 0, 0, 3, 0, 0, 0, 5]);
  const p = new FrameParser();
  const frames: Frame[] = [];
  for (const b of wire) frames.push(...p.push(Buffer.from([b])));
  assert.equal(frames.length, 2);
  assert.deepEqual(frames.map((f) => (f.kind === 'data' ? [f.streamId, f.flags, f.data.toString()] : [])), [[3, 0, 'hello'], [5, FLAG_FIN, '']]);
});

test('SYN_REPLY, RST_STREAM, PING, GOAWAY round trip', () => {
  const frames = parseAll(Buffer.concat([
    encodeSynReply(7, 0, Buffer.from('x')), encodeRstStream(9, 5), encodePing(0xfffffffe), encodeGoAway(11, 0),
  ]));
  const payloads = frames.map((f) => (f.kind === 'control' ? f : undefined)!);
  assert.deepEqual(payloads.map((f) => f.type), [ControlType.SynReply, ControlType.RstStream, ControlType.Ping, ControlType.GoAway]);
  assert.equal(decodeSynReply(payloads[0].payload).streamId, 7);
  assert.deepEqual(decodeRstStream(payloads[1].payload), { streamId: 9, status: 5 });
  assert.equal(decodePing(payloads[2].payload), 0xfffffffe);
  assert.deepEqual(decodeGoAway(payloads[3].payload), { lastGoodStreamId: 11, status: 0 });
});

test('truncated control payloads are rejected', () => {
  assert.throws(() => decodeSynStream(Buffer.alloc(4)), /too short/);
  assert.throws(() => decodeRstStream(Buffer.alloc(4)), /too short/);
});
