import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { HeaderCompressor, HeaderDecompressor, decodeHeaderBlock, encodeHeaderBlock } from './headers.js';
import { SPDY3_DICTIONARY } from './dictionary.js';

test('header blocks round-trip, names lowercased, NUL-separated values split', () => {
  const raw = encodeHeaderBlock([['streamType', 'data'], ['port', '8080'], ['requestID', '0'], ['x', 'a\0b']]);
  const h = decodeHeaderBlock(raw);
  assert.deepEqual(h.get('streamtype'), ['data']);
  assert.deepEqual(h.get('port'), ['8080']);
  assert.deepEqual(h.get('requestid'), ['0']);
  assert.deepEqual(h.get('x'), ['a', 'b']);
  assert.throws(() => decodeHeaderBlock(raw.subarray(0, raw.length - 2)), /truncated/);
});

test('the dictionary is the 1423-byte SPDY/3 one', () => {
  assert.equal(SPDY3_DICTIONARY.length, 1423);
  assert.equal(SPDY3_DICTIONARY.subarray(0, 11).toString('latin1'), '\0\0\0\x07options');
});

test('a peer compressing with one sync-flushed zlib stream (like Go) is read block by block', async () => {
  const deflate = zlib.createDeflate({ dictionary: SPDY3_DICTIONARY });
  const chunks: Buffer[] = [];
  deflate.on('data', (d: Buffer) => chunks.push(d));
  const flushBlock = (b: Buffer) => new Promise<Buffer>((res) => {
    deflate.write(b);
    deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => res(Buffer.concat(chunks.splice(0))));
  });
  const one = encodeHeaderBlock([['streamtype', 'error'], ['port', '80'], ['requestid', '0']]);
  const two = encodeHeaderBlock([['streamtype', 'data'], ['port', '80'], ['requestid', '0']]);
  const c1 = await flushBlock(one);
  const c2 = await flushBlock(two);
  const d = new HeaderDecompressor();
  assert.deepEqual(await d.decompress(c1), one);
  assert.deepEqual(await d.decompress(c2), two);
  d.close();
  deflate.destroy();
});

test('our stored-block stream is valid zlib with the dictionary id, continuous across blocks', async () => {
  const c = new HeaderCompressor();
  const a = encodeHeaderBlock([[':status', '200']]);
  const b = encodeHeaderBlock([]);
  const big = encodeHeaderBlock([['x', 'y'.repeat(70_000)]]);
  const d = new HeaderDecompressor();
  assert.deepEqual(await d.decompress(c.compress(a)), a);
  assert.deepEqual(await d.decompress(c.compress(b)), b);
  assert.deepEqual(await d.decompress(c.compress(big)), big);
  d.close();
});

test('every block ends on a sync-flush marker (an empty stored block)', () => {
  const c = new HeaderCompressor();
  const first = c.compress(encodeHeaderBlock([]));
  // zlib header with FDICT and the dictionary's Adler-32, a stored block of 4 bytes, the marker
  assert.deepEqual([...first], [0x78, 0xbb, 0xe3, 0xc6, 0xa7, 0xc2, 0, 4, 0, 0xfb, 0xff, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);
  assert.deepEqual([...c.compress(encodeHeaderBlock([]))], [0, 4, 0, 0xfb, 0xff, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);
});

test('a corrupt block is an error, not a hang', async () => {
  const d = new HeaderDecompressor();
  await assert.rejects(d.decompress(Buffer.from([0x78, 0x9c, 0xff, 0xff, 0xff, 0xff])));
  d.close();
});
