// Port-forward over WebSocket, two ways:
// - `SPDY/3.1+portforward.k8s.io` (kubectl ≥ 1.30): SPDY/3.1 frames tunnelled in binary
//   messages; per connection the client opens an error and a data stream sharing a
//   requestID, each naming the port.
// - `v4.channel.k8s.io` (kubelite's CLI and other WebSocket clients): `?ports=` lists
//   the ports; port i uses channel 2i for data and 2i+1 for errors, and each channel
//   starts with the port as two little-endian bytes from the server.
import type { WebSocket } from 'ws';
import type { ClientDuplexStream } from '@grpc/grpc-js';
import type { PortForwardData } from '../../api/kubelet-proto.js';
import { errorFields } from '../../client/logger.js';
import type { PodTarget, StreamsContext } from './context.js';
import { kubeletErrorToApiError } from './kubelet-client.js';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { SpdySession, type SpdyStream, type SpdyTransport } from './spdy/session.js';
import { RST } from './spdy/frames.js';

export const SPDY_TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';
export const CHANNEL_PORTFORWARD_PROTOCOLS = ['v4.channel.k8s.io', 'portforward.k8s.io'] as const;

export function negotiatePortForwardProtocol(offered: Iterable<string>): string | undefined {
  const set = new Set([...offered].map((p) => p.trim()));
  if (set.has(SPDY_TUNNEL_PROTOCOL)) return SPDY_TUNNEL_PROTOCOL;
  return CHANNEL_PORTFORWARD_PROTOCOLS.find((p) => set.has(p));
}

/** `?ports=80&ports=8080` or `?ports=80,8080`; every port in 1..65535. */
export function parsePorts(q: URLSearchParams): number[] | string {
  const raw = q.getAll('ports').flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  const ports: number[] = [];
  for (const r of raw) {
    const n = Number(r);
    if (!/^\d+$/.test(r) || n < 1 || n > 65535) return `invalid port "${r}"`;
    ports.push(n);
  }
  return ports;
}

/** Two little-endian bytes: how the channel protocol announces a port. */
export function portPrefix(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port);
  return b;
}

interface Forward {
  call: ClientDuplexStream<PortForwardData, PortForwardData>;
}

/** One gRPC PortForward call: bytes in, bytes out, an error message on failure. */
function openForward(ctx: StreamsContext, target: PodTarget, port: number, h: {
  data(b: Buffer): void;
  end(): void;
  error(message: string): void;
}): Forward {
  const { pod } = target;
  const call = target.kubelet.PortForward();
  let closed = false;
  call.write({ namespace: pod.metadata.namespace ?? '', pod: pod.metadata.name ?? '', podUid: pod.metadata.uid ?? '', port });
  call.on('data', (m: PortForwardData) => {
    if (m.data?.length) h.data(m.data);
  });
  call.on('end', () => {
    if (closed) return;
    closed = true;
    h.end();
  });
  call.on('error', (err) => {
    if (closed) return;
    closed = true;
    // a cancel from our side is not news to anyone
    if ((err as { code?: number }).code === 1) return h.end();
    const status = kubeletErrorToApiError(err, target.addr, `/portForward/${pod.metadata.namespace}/${pod.metadata.name}`).status;
    ctx.logger.debug({ ...errorFields(err), pod: pod.metadata.name, port }, 'port-forward failed');
    h.error(status.message ?? 'port-forward failed');
  });
  return { call };
}

/** A SPDY port-forward session over any byte transport; returns the function to feed it bytes. */
function spdyPortForward(ctx: StreamsContext, transport: SpdyTransport, target: PodTarget): SpdySession {
  const pairs = new Map<string, { error?: SpdyStream; data?: SpdyStream; forward?: Forward }>();
  return new SpdySession(
    transport,
    {
      onStream: (s) => {
        s.reply();
        const type = s.header('streamtype');
        const requestId = s.header('requestid') ?? String(s.id);
        const pair = pairs.get(requestId) ?? {};
        pairs.set(requestId, pair);
        const forget = () => {
          if ((!pair.data || pair.data.localEnded || pair.data.isReset) && (!pair.error || pair.error.localEnded || pair.error.isReset)) pairs.delete(requestId);
        };
        if (type === 'error') {
          pair.error = s;
          s.on('reset', forget);
          return;
        }
        if (type !== 'data') {
          s.reset(RST.PROTOCOL_ERROR);
          return;
        }
        pair.data = s;
        const portText = s.header('port') ?? '';
        const port = Number(portText);
        if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
          pair.error?.write(Buffer.from(`invalid port ${JSON.stringify(portText)}`));
          pair.error?.end();
          s.end();
          forget();
          return;
        }
        const fwd = openForward(ctx, target, port, {
          data: (b) => s.write(b),
          end: () => {
            s.end();
            pair.error?.end();
            forget();
          },
          error: (message) => {
            pair.error?.write(Buffer.from(message));
            pair.error?.end();
            s.end();
            forget();
          },
        });
        pair.forward = fwd;
        s.on('data', (b) => fwd.call.write({ data: b }));
        s.on('end', () => fwd.call.end());
        s.on('reset', () => {
          fwd.call.cancel();
          forget();
        });
      },
      onClose: (err) => {
        if (err) ctx.logger.warn({ ...errorFields(err), pod: target.pod.metadata.name }, 'port-forward SPDY session failed');
        for (const p of pairs.values()) p.forward?.call.cancel();
        pairs.clear();
      },
    },
  );
}

export function runSpdyPortForward(ctx: StreamsContext, ws: WebSocket, target: PodTarget): void {
  const session = spdyPortForward(ctx, {
    write: (b) => {
      if (ws.readyState === ws.OPEN) ws.send(b, { binary: true });
    },
    close: () => ws.close(1000),
  }, target);
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) session.receive(Buffer.isBuffer(data) ? data : Buffer.from(data));
  });
  ws.on('close', () => session.transportClosed());
  ws.on('error', (err) => ctx.logger.debug({ ...errorFields(err) }, 'port-forward websocket error'));
}

export function isSpdyUpgrade(req: IncomingMessage): boolean {
  return /^spdy\/3\.1$/i.test(String(req.headers.upgrade ?? '').trim());
}

/** `Upgrade: SPDY/3.1` with `X-Stream-Protocol-Version: portforward.k8s.io`: SPDY on the raw connection. */
export function runDirectSpdyPortForward(ctx: StreamsContext, socket: Duplex, head: Buffer, target: PodTarget): void {
  socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' +
    'X-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n');
  const session = spdyPortForward(ctx, {
    write: (b) => {
      if (!socket.destroyed) socket.write(b);
    },
    close: () => socket.end(),
  }, target);
  if (head.length) session.receive(head);
  socket.on('data', (b: Buffer) => session.receive(b));
  socket.on('close', () => session.transportClosed());
  socket.on('error', (err) => ctx.logger.debug({ ...errorFields(err) }, 'port-forward connection error'));
}

export function runChannelPortForward(ctx: StreamsContext, ws: WebSocket, target: PodTarget, ports: number[]): void {
  const forwards: Array<Forward | undefined> = [];
  let open = ports.length;
  const send = (channel: number, data: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true });
  };
  const doneOne = () => {
    if (--open === 0) ws.close(1000);
  };
  ports.forEach((port, i) => {
    send(2 * i, portPrefix(port));
    send(2 * i + 1, portPrefix(port));
    forwards[i] = openForward(ctx, target, port, {
      data: (b) => send(2 * i, b),
      end: doneOne,
      error: (message) => {
        send(2 * i + 1, Buffer.from(message));
        doneOne();
      },
    });
  });
  if (!ports.length) ws.close(1000);
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (!isBinary || buf.length < 1) return;
    const ch = buf[0];
    const fwd = ch % 2 === 0 ? forwards[ch / 2] : undefined;
    if (fwd && buf.length > 1) fwd.call.write({ data: buf.subarray(1) });
  });
  ws.on('close', () => {
    for (const f of forwards) f?.call.cancel();
  });
  ws.on('error', (err) => ctx.logger.debug({ ...errorFields(err) }, 'port-forward websocket error'));
}
