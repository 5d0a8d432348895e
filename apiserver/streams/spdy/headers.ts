// SPDY/3 header blocks: a count and length-prefixed name/value pairs, compressed with
// zlib (SPDY dictionary) as ONE stream per direction for the whole connection, each
// block ending on a sync flush.
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';

export type HeaderList = Array<[string, string]>;

export function encodeHeaderBlock(headers: HeaderList): Buffer {
  const parts: Buffer[] = [];
  const count = Buffer.alloc(4);
  count.writeUInt32BE(headers.length);
  parts.push(count);
  for (const [name, value] of headers) {
    for (const s of [name.toLowerCase(), value]) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      parts.push(len, b);
    }
  }
  return Buffer.concat(parts);
}

/** Decodes an uncompressed block; repeated names and NUL-separated values both become several entries. */
export function decodeHeaderBlock(buf: Buffer): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let off = 0;
  const need = (n: number) => {
    if (off + n > buf.length) throw new Error('SPDY header block is truncated');
  };
  need(4);
  const count = buf.readUInt32BE(off);
  off += 4;
  for (let i = 0; i < count; i++) {
    need(4);
    const nl = buf.readUInt32BE(off);
    off += 4;
    need(nl);
    const name = buf.toString('utf8', off, off + nl).toLowerCase();
    off += nl;
    need(4);
    const vl = buf.readUInt32BE(off);
    off += 4;
    need(vl);
    const values = buf.toString('utf8', off, off + vl).split('\0');
    off += vl;
    out.set(name, [...(out.get(name) ?? []), ...values]);
  }
  return out;
}

function adler32(buf: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of buf) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * Our outgoing zlib stream. Blocks are written as stored (uncompressed) deflate blocks,
 * each followed by the empty stored block a zlib sync flush emits (00 00 00 ff ff).
 * That is valid zlib any inflater reads, it keeps the stream byte-aligned after every
 * header block, and it is synchronous. The empty block matters: Go's inflater hands out
 * a block's bytes only when it sees the next block start, and without one it reads past
 * the frame, hits the end of the frame's payload and fails for the rest of the connection.
 * Header blocks here are a few dozen bytes, so compression would gain nothing.
 */
const SYNC_FLUSH_MARKER = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

export class HeaderCompressor {
  private started = false;

  compress(block: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      // CMF 0x78 (deflate, 32K window), FLG 0xbb (FDICT, check bits), then the dictionary id
      const head = Buffer.alloc(6);
      head[0] = 0x78;
      head[1] = 0xbb;
      head.writeUInt32BE(adler32(SPDY3_DICTIONARY), 2);
      parts.push(head);
    }
    for (let off = 0; off < block.length || (off === 0 && block.length === 0); off += 0xffff) {
      const piece = block.subarray(off, off + 0xffff);
      const h = Buffer.alloc(5);
      h[0] = 0x00; // BFINAL=0, BTYPE=00 (stored)
      h.writeUInt16LE(piece.length, 1);
      h.writeUInt16LE(~piece.length & 0xffff, 3);
      parts.push(h, piece);
      if (block.length === 0) break;
    }
    parts.push(SYNC_FLUSH_MARKER);
    return Buffer.concat(parts);
  }
}

/** Our incoming zlib stream: one inflater for the connection, fed block by block in order. */
export class HeaderDecompressor {
  private readonly inflate = zlib.createInflate({ dictionary: SPDY3_DICTIONARY });
  private out: Buffer[] = [];
  private failure: Error | undefined;
  private pending: ((e: Error) => void) | undefined;

  constructor() {
    this.inflate.on('data', (d: Buffer) => this.out.push(d));
    this.inflate.on('error', (e: Error) => {
      this.failure = new Error(`SPDY header block: ${e.message}`);
      this.pending?.(this.failure);
    });
  }

  /** Calls must not overlap: the caller awaits each block before the next. */
  decompress(block: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.pending = reject;
      this.inflate.write(block);
      this.inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.pending = undefined;
        if (this.failure) return reject(this.failure);
        const data = Buffer.concat(this.out);
        this.out = [];
        resolve(data);
      });
    });
  }

  close(): void {
    this.inflate.destroy();
  }
}
