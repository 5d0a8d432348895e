import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DockerDemuxer, demuxAll } from './docker-mux.js';

function frame(stream: number, text: string): Buffer {
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([h, Buffer.from(text)]);
}

test('splits stdout and stderr frames', () => {
  const out = demuxAll(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n'), frame(1, 'x')]));
  assert.deepEqual(out.map((c) => [c.stream, c.data.toString()]), [['stdout', 'out\n'], ['stderr', 'err\n'], ['stdout', 'x']]);
});

test('handles frames split at every byte', () => {
  const all = Buffer.concat([frame(1, 'hello'), frame(2, 'world')]);
  const d = new DockerDemuxer();
  let stdout = '';
  let stderr = '';
  for (let i = 0; i < all.length; i++) {
    for (const c of d.push(all.subarray(i, i + 1))) {
      if (c.stream === 'stdout') stdout += c.data.toString();
      else stderr += c.data.toString();
    }
  }
  assert.equal(stdout, 'hello');
  assert.equal(stderr, 'world');
});

test('an empty frame produces nothing', () => {
  assert.deepEqual(demuxAll(frame(1, '')), []);
});
