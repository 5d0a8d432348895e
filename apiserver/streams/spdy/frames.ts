// SPDY/3.1 framing: an 8-byte header then the payload. Control frames carry
// version 3 and a type; data frames a stream id. Header blocks stay compressed here.

export const SPDY_VERSION = 3;
export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
export const MAX_FRAME_PAYLOAD = 0xffffff;

export const enum ControlType {
  SynStream = 1,
  SynReply = 2,
  RstStream = 3,
  Settings = 4,
  Ping = 6,
  GoAway = 7,
  Headers = 8,
  WindowUpdate = 9,
}

/** RST_STREAM status codes */
export const RST = { PROTOCOL_ERROR: 1, INVALID_STREAM: 2, REFUSED_STREAM: 3, CANCEL: 5, INTERNAL_ERROR: 6, STREAM_IN_USE: 8, STREAM_ALREADY_CLOSED: 9 } as const;

export type Frame =
  | { kind: 'data'; streamId: number; flags: number; data: Buffer }
  | { kind: 'control'; type: number; version: number; flags: number; payload: Buffer };

/** Cuts a byte stream (split anywhere) into frames. */
export class FrameParser {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Frame[] = [];
    while (this.buf.length >= 8) {
      const len = this.buf.readUIntBE(5, 3);
      if (this.buf.length < 8 + len) break;
      const flags = this.buf[4];
      const payload = this.buf.subarray(8, 8 + len);
      if (this.buf[0] & 0x80) {
        out.push({ kind: 'control', version: this.buf.readUInt16BE(0) & 0x7fff, type: this.buf.readUInt16BE(2), flags, payload });
      } else {
        out.push({ kind: 'data', streamId: this.buf.readUInt32BE(0) & 0x7fffffff, flags, data: payload });
      }
      this.buf = this.buf.subarray(8 + len);
    }
    return out;
  }
}

function header(first: number, second: number, flags: number, length: number, control: boolean): Buffer {
  if (length > MAX_FRAME_PAYLOAD) throw new Error(`SPDY frame payload too large: ${length}`);
  const h = Buffer.alloc(8);
  if (control) {
    h.writeUInt16BE(0x8000 | first, 0);
    h.writeUInt16BE(second, 2);
  } else {
    h.writeUInt32BE(first & 0x7fffffff, 0);
  }
  h[4] = flags;
  h.writeUIntBE(length, 5, 3);
  return h;
}

export function encodeControl(type: number, flags: number, payload: Buffer): Buffer {
  return Buffer.concat([header(SPDY_VERSION, type, flags, payload.length, true), payload]);
}

export function encodeData(streamId: number, flags: number, data: Buffer): Buffer {
  return Buffer.concat([header(streamId, 0, flags, data.length, false), data]);
}

export interface SynStream {
  streamId: number;
  associatedStreamId: number;
  priority: number;
  /** compressed header block */
  headerBlock: Buffer;
}

export function decodeSynStream(p: Buffer): SynStream {
  if (p.length < 10) throw new Error('SPDY SYN_STREAM too short');
  return {
    streamId: p.readUInt32BE(0) & 0x7fffffff,
    associatedStreamId: p.readUInt32BE(4) & 0x7fffffff,
    priority: p[8] >> 5,
    headerBlock: p.subarray(10),
  };
}

export function encodeSynStream(s: SynStream, flags: number): Buffer {
  const p = Buffer.alloc(10);
  p.writeUInt32BE(s.streamId & 0x7fffffff, 0);
  p.writeUInt32BE(s.associatedStreamId & 0x7fffffff, 4);
  p[8] = (s.priority & 7) << 5;
  return encodeControl(ControlType.SynStream, flags, Buffer.concat([p, s.headerBlock]));
}

export function decodeSynReply(p: Buffer): { streamId: number; headerBlock: Buffer } {
  if (p.length < 4) throw new Error('SPDY SYN_REPLY too short');
  return { streamId: p.readUInt32BE(0) & 0x7fffffff, headerBlock: p.subarray(4) };
}

export function encodeSynReply(streamId: number, flags: number, headerBlock: Buffer): Buffer {
  const p = Buffer.alloc(4);
  p.writeUInt32BE(streamId & 0x7fffffff, 0);
  return encodeControl(ControlType.SynReply, flags, Buffer.concat([p, headerBlock]));
}

export function decodeRstStream(p: Buffer): { streamId: number; status: number } {
  if (p.length < 8) throw new Error('SPDY RST_STREAM too short');
  return { streamId: p.readUInt32BE(0) & 0x7fffffff, status: p.readUInt32BE(4) };
}

export function encodeRstStream(streamId: number, status: number): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(streamId & 0x7fffffff, 0);
  p.writeUInt32BE(status, 4);
  return encodeControl(ControlType.RstStream, 0, p);
}

export function decodePing(p: Buffer): number {
  if (p.length < 4) throw new Error('SPDY PING too short');
  return p.readUInt32BE(0);
}

export function encodePing(id: number): Buffer {
  const p = Buffer.alloc(4);
  p.writeUInt32BE(id >>> 0, 0);
  return encodeControl(ControlType.Ping, 0, p);
}

export function decodeGoAway(p: Buffer): { lastGoodStreamId: number; status: number } {
  if (p.length < 4) throw new Error('SPDY GOAWAY too short');
  return { lastGoodStreamId: p.readUInt32BE(0) & 0x7fffffff, status: p.length >= 8 ? p.readUInt32BE(4) : 0 };
}

export function encodeGoAway(lastGoodStreamId: number, status = 0): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(lastGoodStreamId & 0x7fffffff, 0);
  p.writeUInt32BE(status, 4);
  return encodeControl(ControlType.GoAway, 0, p);
}
