// The server end of a SPDY/3.1 connection, as kubectl's port-forward (spdystream)
// speaks it: the client opens streams (odd ids) and pings; we reply, carry data,
// half-close with FIN and answer pings. There is no flow control: spdystream has none.
import { EventEmitter } from 'node:events';
import {
  ControlType, FLAG_FIN, FrameParser, RST, decodeGoAway, decodePing, decodeRstStream, decodeSynStream,
  encodeData, encodeGoAway, encodePing, encodeRstStream, encodeSynReply, type Frame,
} from './frames.js';
import { HeaderCompressor, HeaderDecompressor, decodeHeaderBlock, encodeHeaderBlock, type HeaderList } from './headers.js';

export interface SpdyTransport {
  write(bytes: Buffer): void;
  close(): void;
}

const MAX_DATA_FRAME = 32 * 1024;

export interface SpdyStreamEvents {
  data: [Buffer];
  end: [];
  reset: [number];
}

export class SpdyStream extends EventEmitter<SpdyStreamEvents> {
  remoteEnded = false;
  localEnded = false;
  isReset = false;
  private replied = false;

  constructor(readonly id: number, readonly headers: Map<string, string[]>, private readonly session: SpdySession) {
    super();
  }

  header(name: string): string | undefined {
    return this.headers.get(name.toLowerCase())?.[0];
  }

  reply(headers: HeaderList = [], fin = false): void {
    if (this.replied || this.isReset) return;
    this.replied = true;
    this.session.sendReply(this, headers, fin);
    if (fin) this.localEnded = true;
  }

  write(data: Buffer): void {
    if (this.localEnded || this.isReset) return;
    this.reply();
    for (let off = 0; off < data.length; off += MAX_DATA_FRAME) {
      this.session.send(encodeData(this.id, 0, data.subarray(off, off + MAX_DATA_FRAME)));
    }
  }

  end(): void {
    if (this.localEnded || this.isReset) return;
    this.reply();
    this.localEnded = true;
    this.session.send(encodeData(this.id, FLAG_FIN, Buffer.alloc(0)));
    this.session.maybeForget(this);
  }

  reset(status: number = RST.CANCEL): void {
    if (this.isReset) return;
    this.isReset = true;
    this.session.send(encodeRstStream(this.id, status));
    this.session.forget(this);
  }

  /** called by the session */
  onData(data: Buffer, fin: boolean): void {
    if (this.remoteEnded) return;
    if (data.length) this.emit('data', data);
    if (fin) {
      this.remoteEnded = true;
      this.emit('end');
      this.session.maybeForget(this);
    }
  }

  /** called by the session */
  onReset(status: number): void {
    if (this.isReset) return;
    this.isReset = true;
    this.emit('reset', status);
  }
}

export interface SpdySessionOptions {
  onStream(stream: SpdyStream): void;
  /** the connection failed or was closed; every stream has been reset */
  onClose(err?: Error): void;
}

export class SpdySession {
  private readonly parser = new FrameParser();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private lastStreamId = 0;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly transport: SpdyTransport, private readonly opts: SpdySessionOptions) {}

  /** Bytes from the peer, in order. */
  receive(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Frame[];
    try {
      frames = this.parser.push(chunk);
    } catch (err) {
      return this.fail(err as Error);
    }
    for (const f of frames) {
      // header blocks inflate asynchronously; a queue keeps frames in wire order
      this.queue = this.queue.then(() => this.handle(f)).catch((err: unknown) => this.fail(err as Error));
    }
  }

  private async handle(f: Frame): Promise<void> {
    if (this.closed) return;
    if (f.kind === 'data') {
      const s = this.streams.get(f.streamId);
      if (!s) {
        if (f.streamId > this.lastStreamId) this.send(encodeRstStream(f.streamId, RST.INVALID_STREAM));
        return;
      }
      s.onData(f.data, (f.flags & FLAG_FIN) !== 0);
      return;
    }
    if (f.version !== 3) throw new Error(`unsupported SPDY version ${f.version}`);
    switch (f.type) {
      case ControlType.SynStream: {
        const syn = decodeSynStream(f.payload);
        // the dictionary context must see every block, even of streams we refuse
        const headers = decodeHeaderBlock(await this.decompressor.decompress(syn.headerBlock));
        if (syn.streamId % 2 === 0 || syn.streamId <= this.lastStreamId || this.streams.has(syn.streamId)) {
          this.send(encodeRstStream(syn.streamId, RST.PROTOCOL_ERROR));
          return;
        }
        this.lastStreamId = syn.streamId;
        const s = new SpdyStream(syn.streamId, headers, this);
        this.streams.set(s.id, s);
        if (f.flags & FLAG_FIN) s.remoteEnded = true;
        this.opts.onStream(s);
        if (f.flags & FLAG_FIN) s.emit('end');
        return;
      }
      case ControlType.SynReply:
      case ControlType.Headers:
        // we open no streams, and never look at trailing headers; the compression
        // context still has to consume the block
        await this.decompressor.decompress(f.payload.subarray(4));
        return;
      case ControlType.RstStream: {
        const r = decodeRstStream(f.payload);
        const s = this.streams.get(r.streamId);
        if (s) {
          this.streams.delete(r.streamId);
          s.onReset(r.status);
        }
        return;
      }
      case ControlType.Ping: {
        const id = decodePing(f.payload);
        // odd ids are the client's pings, to be echoed; even ones would be answers to ours
        if (id % 2 === 1) this.send(encodePing(id));
        return;
      }
      case ControlType.GoAway:
        decodeGoAway(f.payload);
        this.close();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE, CREDENTIAL: nothing to do without flow control
        return;
    }
  }

  send(bytes: Buffer): void {
    if (this.closed) return;
    this.transport.write(bytes);
  }

  sendReply(s: SpdyStream, headers: HeaderList, fin: boolean): void {
    this.send(encodeSynReply(s.id, fin ? FLAG_FIN : 0, this.compressor.compress(encodeHeaderBlock(headers))));
  }

  maybeForget(s: SpdyStream): void {
    if (s.localEnded && s.remoteEnded) this.streams.delete(s.id);
  }

  forget(s: SpdyStream): void {
    this.streams.delete(s.id);
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.shutdown(err);
  }

  /** Sends GOAWAY, resets every open stream and closes the transport. */
  close(): void {
    if (this.closed) return;
    this.send(encodeGoAway(this.lastStreamId, 0));
    this.shutdown();
  }

  /** The transport went away underneath us. */
  transportClosed(): void {
    if (this.closed) return;
    this.shutdown();
  }

  private shutdown(err?: Error): void {
    this.closed = true;
    for (const s of this.streams.values()) s.onReset(RST.CANCEL);
    this.streams.clear();
    this.decompressor.close();
    try {
      this.transport.close();
    } finally {
      this.opts.onClose(err);
    }
  }
}
