// Forwards a query's raw bytes to the upstream resolvers: UDP with a timeout, then
// the next upstream; TCP for TCP queries and for UDP answers that came back
// truncated. The answer goes back byte for byte, only its ID restored.
import dgram from 'node:dgram';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { silentLogger, type Logger } from '../client/logger.js';
import { formatUpstream, type Upstream } from './upstreams.js';

export interface ForwardOptions {
  upstreams: () => Upstream[];
  /** per upstream and attempt */
  timeoutMs: number;
  logger?: Logger;
}

const RCODE_SERVFAIL = 2;
const RCODE_REFUSED = 5;
const TC_BIT = 0x02; // in byte 2 of the header

export class Forwarder {
  private readonly log: Logger;
  /** index (into upstreams()) of the last upstream that answered: tried first next time */
  private preferred = 0;

  constructor(private readonly opts: ForwardOptions) {
    this.log = opts.logger ?? silentLogger;
  }

  /**
   * The upstream answer for `query` (a whole DNS message), with the query's ID; undefined
   * when no upstream answered. SERVFAIL/REFUSED answers make us try the next upstream
   * but are returned if nothing better comes.
   */
  async forward(query: Buffer, tcp: boolean): Promise<Buffer | undefined> {
    const list = this.opts.upstreams();
    if (list.length === 0 || query.length < 12) return undefined;
    const clientID = query.readUInt16BE(0);
    let fallback: Buffer | undefined;
    for (let i = 0; i < list.length; i++) {
      const idx = (this.preferred + i) % list.length;
      const u = list[idx];
      // A fresh ID and (for UDP) a fresh source port per attempt make spoofed answers hard to land.
      const msg = Buffer.from(query);
      const id = randomInt(0, 65536);
      msg.writeUInt16BE(id, 0);
      let answer: Buffer | undefined;
      try {
        answer = tcp ? await tcpExchange(u, msg, this.opts.timeoutMs) : await udpExchange(u, msg, this.opts.timeoutMs);
        if (!tcp && answer[2] & TC_BIT) answer = await tcpExchange(u, msg, this.opts.timeoutMs);
      } catch (e) {
        this.log.debug({ upstream: formatUpstream(u), err: (e as Error).message }, 'upstream failed');
        continue;
      }
      if (answer.length < 12 || answer.readUInt16BE(0) !== id || !sameQuestion(msg, answer)) {
        this.log.debug({ upstream: formatUpstream(u) }, 'upstream answer does not match the query');
        continue;
      }
      answer.writeUInt16BE(clientID, 0);
      const rcode = answer[3] & 0x0f;
      if (rcode === RCODE_SERVFAIL || rcode === RCODE_REFUSED) {
        fallback ??= answer;
        continue;
      }
      this.preferred = idx;
      return answer;
    }
    return fallback;
  }
}

/** The question section (bytes after the header up to the end of the first question) must match. */
function sameQuestion(query: Buffer, answer: Buffer): boolean {
  const end = questionEnd(query);
  if (end === undefined || answer.length < end) return false;
  if (query.readUInt16BE(4) !== answer.readUInt16BE(4)) return false;
  // Names compare case-insensitively; some resolvers normalize case.
  return query.subarray(12, end).toString('latin1').toLowerCase() === answer.subarray(12, end).toString('latin1').toLowerCase();
}

function questionEnd(msg: Buffer): number | undefined {
  if (msg.readUInt16BE(4) === 0) return 12;
  let off = 12;
  while (off < msg.length) {
    const len = msg[off];
    if (len === 0) return off + 1 + 4 <= msg.length ? off + 5 : undefined;
    if (len & 0xc0) return undefined; // queries carry no compression in the question
    off += len + 1;
  }
  return undefined;
}

function udpExchange(u: Upstream, msg: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(net.isIPv6(u.host.replace(/%.*$/, '')) ? 'udp6' : 'udp4');
    const id = msg.readUInt16BE(0);
    let done = false;
    const finish = (err: Error | undefined, reply?: Buffer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = setTimeout(() => finish(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs);
    sock.on('error', (e) => finish(e));
    sock.on('message', (reply, rinfo) => {
      // Ignore strays: only the upstream we asked, answering our ID, counts.
      if (rinfo.port !== u.port || reply.length < 2 || reply.readUInt16BE(0) !== id) return;
      finish(undefined, reply);
    });
    sock.send(msg, u.port, u.host, (e) => {
      if (e) finish(e);
    });
  });
}

/** One query over a new TCP connection: 2-byte length prefix each way (RFC 1035 4.2.2). */
export function tcpExchange(u: Upstream, msg: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: u.host, port: u.port });
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (err: Error | undefined, reply?: Buffer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = setTimeout(() => finish(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs);
    sock.on('error', (e) => finish(e));
    sock.on('close', () => finish(new Error('connection closed before the answer')));
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(msg.length);
      sock.write(Buffer.concat([len, msg]));
    });
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) finish(undefined, buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
  });
}
