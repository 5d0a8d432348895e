// `kubelite port-forward`: local TCP listeners; each accepted connection gets its
// own pods/portforward WebSocket (v4.channel.k8s.io, `?ports=REMOTE`): data on
// channel 0, errors on channel 1, each channel opening with the port as two
// little-endian bytes from the server.
import { createServer, type Server, type Socket } from 'node:net';
import type { Command } from 'commander';
import type WebSocket from 'ws';
import type { Pod, Service } from '../../api/types/index.js';
import { resourcePath } from '../../client/paths.js';
import { newVerb, verbAction, out, err, type CliContext } from './context.js';
import { CliError } from './errors.js';
import { firstPodFor } from './pods-for.js';
import { parsePodish, resolveType } from './resources.js';
import { openWebSocket, toBuffer } from './ws.js';

export interface PortMapping {
  local: number;
  remote: number | string;
}

/** `8080:80`, `80` (same local port), `:80` (a random local port). */
export function parsePortMappings(specs: string[]): PortMapping[] {
  return specs.map((s) => {
    const parts = s.split(':');
    if (parts.length > 2) throw new CliError(`invalid port format '${s}'`);
    const [l, r] = parts.length === 2 ? parts : [parts[0], parts[0]];
    const remote: number | string = /^\d+$/.test(r) ? Number(r) : r;
    if (r === '' || (typeof remote === 'number' && (remote < 1 || remote > 65535))) throw new CliError(`Error parsing remote port '${r}'`);
    const local = l === '' ? 0 : Number(l);
    if (!/^\d*$/.test(l) || local < 0 || local > 65535) throw new CliError(`Error parsing local port '${l}'`);
    return { local, remote };
  });
}

/** A service port (number or name) into the container port of `pod`, as kubectl translates it. */
export function translateServicePort(svc: Service, pod: Pod, port: number | string): number {
  const sp = (svc.spec.ports ?? []).find((p) => (typeof port === 'number' ? p.port === port : p.name === port));
  if (!sp) throw new CliError(`Service ${svc.metadata.name} does not have a service port ${port}`);
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec.containers) {
    const cp = (c.ports ?? []).find((p) => p.name === target);
    if (cp) return cp.containerPort;
  }
  throw new CliError(`Pod '${pod.metadata.name}' does not have a named port '${target}'`);
}

/** A named container port into its number. */
export function containerPortByName(pod: Pod, name: string): number {
  for (const c of pod.spec.containers) {
    const cp = (c.ports ?? []).find((p) => p.name === name);
    if (cp) return cp.containerPort;
  }
  throw new CliError(`Pod '${pod.metadata.name}' does not have a named port '${name}'`);
}

/** Strips the two-byte port announcement that opens each channel. */
export class ChannelPrefix {
  private remaining = 2;
  strip(data: Buffer): Buffer {
    if (this.remaining === 0) return data;
    const n = Math.min(this.remaining, data.length);
    this.remaining -= n;
    return data.subarray(n);
  }
}

function forward(ctx: CliContext, pod: Pod, local: number, remote: number, socket: Socket): void {
  out(`Handling connection for ${local}\n`);
  let ws: WebSocket | undefined;
  const pendingData: Buffer[] = [];
  let socketClosed = false;
  socket.on('data', (d: Buffer) => {
    if (ws && ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([0]), d]));
    else pendingData.push(d);
  });
  socket.on('close', () => {
    socketClosed = true;
    ws?.close(1000);
  });
  socket.on('error', () => socket.destroy());
  openWebSocket(ctx.config, resourcePath(resolveType('pods'), pod.metadata.namespace, pod.metadata.name, 'portforward'), { ports: String(remote) }, ['v4.channel.k8s.io'])
    .then((w) => {
      ws = w;
      if (socketClosed) {
        w.close(1000);
        return;
      }
      for (const d of pendingData.splice(0)) w.send(Buffer.concat([Buffer.from([0]), d]));
      const data = new ChannelPrefix();
      const errs = new ChannelPrefix();
      w.on('message', (raw: WebSocket.RawData) => {
        const buf = toBuffer(raw);
        if (buf.length < 1) return;
        if (buf[0] === 0) {
          const payload = data.strip(buf.subarray(1));
          if (payload.length) socket.write(payload);
        } else if (buf[0] === 1) {
          const msg = errs.strip(buf.subarray(1)).toString('utf8');
          if (msg) err(`error: an error occurred forwarding ${local} -> ${remote}: error forwarding port ${remote} to pod ${pod.metadata.uid ?? ''}, uid : ${msg}\n`);
        }
      });
      w.on('close', () => socket.end());
      w.on('error', (e) => {
        err(`error: an error occurred forwarding ${local} -> ${remote}: ${e.message}\n`);
        socket.destroy();
      });
    })
    .catch((e: Error) => {
      err(`error: an error occurred forwarding ${local} -> ${remote}: ${e.message}\n`);
      socket.destroy();
    });
}

function listen(address: string, port: number, onConn: (s: Socket) => void): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer(onConn);
    srv.once('error', reject);
    srv.listen(port, address, () => {
      srv.off('error', reject);
      resolve(srv);
    });
  });
}

export function registerPortForward(program: Command): void {
  newVerb(program, 'port-forward', 'Forward one or more local ports to a pod')
    .argument('<target>', 'POD | TYPE/NAME (pod/x, deploy/x, svc/x)')
    .argument('<ports...>', '[LOCAL_PORT:]REMOTE_PORT ...')
    .option('--address <addresses>', 'addresses to listen on (comma-separated; localhost means 127.0.0.1 and ::1)', 'localhost')
    .option('--pod-running-timeout <duration>', 'accepted for kubectl compatibility', '1m')
    .addHelpText('after', `
Examples:
  kubelite port-forward pod/web-7d4b9c 8080:80
  kubelite port-forward deploy/web 8080:80 8443:443
  kubelite port-forward svc/web :80
  kubelite port-forward --address 0.0.0.0 pod/db 5432`)
    .action(verbAction(async (ctx, args, opts) => {
      const [target, ...specs] = args;
      const f = opts as { address: string };
      const { info, name } = parsePodish(target);
      const pod = await firstPodFor(ctx.client, info, ctx.namespace, name);
      if (pod.status?.phase !== 'Running') {
        throw new CliError(`unable to forward port because pod is not running. Current status=${pod.status?.phase ?? 'Unknown'}`);
      }
      const svc = info.resource === 'services' ? ((await ctx.client.get(info, ctx.namespace, name)) as Service) : undefined;
      const mappings = parsePortMappings(specs).map((m) => {
        const remote = svc ? translateServicePort(svc, pod, m.remote) : typeof m.remote === 'number' ? m.remote : containerPortByName(pod, m.remote);
        return { remote, wanted: m.local };
      });
      const addresses = f.address.split(',').flatMap((a) => (a.trim() === 'localhost' ? ['127.0.0.1', '::1'] : [a.trim()]));
      const servers: Server[] = [];
      for (const m of mappings) {
        let port = m.wanted;
        let bound = 0;
        for (const addr of addresses) {
          try {
            const srv = await listen(addr, port, (s) => forward(ctx, pod, port, m.remote, s));
            const a = srv.address();
            if (port === 0 && a && typeof a === 'object') port = a.port;
            servers.push(srv);
            bound++;
            out(`Forwarding from ${addr.includes(':') ? `[${addr}]` : addr}:${port} -> ${m.remote}\n`);
          } catch (e) {
            // ::1 may not exist here; kubectl only fails when no address works
            if (addr !== '::1') err(`Unable to listen on port ${port}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 ${addr}:${port}: ${(e as Error).message}]\n`);
          }
        }
        if (bound === 0) throw new CliError(`unable to listen on any of the requested ports: [{${m.wanted} ${m.remote}}]`);
      }
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      for (const s of servers) s.close();
    }));
}
