// The sockets: one UDP socket and one TCP listener on the same address and port.
// TCP carries length-prefixed messages (RFC 1035 4.2.2), several per connection,
// answered as they complete (RFC 7766 allows out-of-order replies).
import dgram from 'node:dgram';
import net from 'node:net';
import { errorFields, silentLogger, type Logger } from '../client/logger.js';
import type { Proto } from './handler.js';

export type Handle = (msg: Buffer, proto: Proto) => Promise<Buffer | undefined>;

export interface DnsServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Idle TCP connections are closed after this long (RFC 7766 suggests seconds, not minutes). */
const TCP_IDLE_MS = 10_000;
/** Queries answered at once on one TCP connection; more wait for the socket to drain. */
const TCP_MAX_INFLIGHT = 32;

export function parseHostPort(flag: string, v: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(v) ?? /^([^:]+):(\d+)$/.exec(v);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !net.isIP(m[1]) || !Number.isInteger(port) || port > 65535) {
    throw new Error(`${flag} "${v}" must be IP:PORT (e.g. 0.0.0.0:53 or [::]:53)`);
  }
  return { host: m[1], port };
}

export async function listenDns(addr: { host: string; port: number }, handle: Handle, logger: Logger = silentLogger): Promise<DnsServer> {
  const udp = dgram.createSocket({ type: net.isIPv6(addr.host) ? 'udp6' : 'udp4' });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(addr.port, addr.host, () => {
      udp.off('error', reject);
      resolve();
    });
  });
  // With port 0 the TCP listener takes the port UDP got, so both are one address.
  const port = udp.address().port;
  udp.on('error', (e) => logger.warn(errorFields(e), 'udp socket error'));
  udp.on('message', (msg, rinfo) => {
    handle(msg, 'udp').then(
      (reply) => {
        if (reply) udp.send(reply, rinfo.port, rinfo.address, (e) => e && logger.debug(errorFields(e), 'udp send failed'));
      },
      (e: unknown) => logger.warn(errorFields(e), 'query failed'),
    );
  });

  const conns = new Set<net.Socket>();
  const tcp = net.createServer((sock) => serveConnection(sock, handle, logger, conns));
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, addr.host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    udp.close();
    throw e;
  }
  tcp.on('error', (e) => logger.warn(errorFields(e), 'tcp listener error'));

  return {
    host: addr.host,
    port,
    async close() {
      for (const c of conns) c.destroy();
      await Promise.all([
        new Promise<void>((r) => tcp.close(() => r())),
        new Promise<void>((r) => udp.close(() => r())),
      ]);
    },
  };
}

function serveConnection(sock: net.Socket, handle: Handle, logger: Logger, conns: Set<net.Socket>): void {
  conns.add(sock);
  sock.setTimeout(TCP_IDLE_MS, () => sock.destroy());
  sock.on('close', () => conns.delete(sock));
  sock.on('error', () => sock.destroy());
  let buf: Buffer = Buffer.alloc(0);
  let inflight = 0;
  const write = (reply: Buffer): void => {
    if (sock.destroyed) return;
    const len = Buffer.alloc(2);
    len.writeUInt16BE(reply.length);
    sock.write(Buffer.concat([len, reply]));
  };
  sock.on('data', (d: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
      buf = buf.subarray(2 + msg.length);
      inflight++;
      if (inflight >= TCP_MAX_INFLIGHT) sock.pause();
      handle(Buffer.from(msg), 'tcp').then(
        (reply) => reply && write(reply),
        (e: unknown) => logger.warn(errorFields(e), 'query failed'),
      ).finally(() => {
        inflight--;
        if (inflight < TCP_MAX_INFLIGHT && sock.isPaused()) sock.resume();
      });
    }
  });
}
