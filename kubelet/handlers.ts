// Runs the actions probes and lifecycle hooks share: exec in the container,
// HTTP GET and TCP connect to the pod, sleep. Each answers ok + a message in
// Kubernetes' wording for events.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Container, HTTPGetAction, IntOrString, LifecycleHandler, ProbeHandler } from '../api/types/index.js';
import type { DockerRuntime } from './runtime/docker.js';

export interface HandlerTarget {
  containerId: string;
  container: Container;
  podIP?: string;
}

export interface HandlerResult {
  ok: boolean;
  message: string;
}

/** A named port resolves through the container's ports, as Kubernetes does. */
export function resolvePort(port: IntOrString, c: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

export function httpGetURL(a: HTTPGetAction, host: string, port: number): string {
  const scheme = (a.scheme ?? 'HTTP').toLowerCase();
  let path = a.path ?? '/';
  if (!path.startsWith('/')) path = '/' + path;
  const h = host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${h}:${port}${path}`;
}

export class HandlerRunner {
  constructor(private readonly runtime: DockerRuntime) {}

  async run(h: ProbeHandler & LifecycleHandler, t: HandlerTarget, timeoutMs: number): Promise<HandlerResult> {
    if (h.exec) return this.exec(h.exec.command ?? [], t, timeoutMs);
    if (h.httpGet) return this.httpGet(h.httpGet, t, timeoutMs);
    if (h.tcpSocket) return this.tcp(h.tcpSocket.host || t.podIP, resolvePort(h.tcpSocket.port, t.container), timeoutMs);
    // gRPC health checks are approximated by a TCP connect to the port.
    if (h.grpc) return this.tcp(t.podIP, h.grpc.port, timeoutMs);
    if (h.sleep) {
      await new Promise((r) => setTimeout(r, Math.min(h.sleep!.seconds * 1000, timeoutMs)));
      return { ok: true, message: '' };
    }
    return { ok: false, message: 'no handler specified' };
  }

  private async exec(cmd: string[], t: HandlerTarget, timeoutMs: number): Promise<HandlerResult> {
    try {
      const r = await this.runtime.exec(t.containerId, cmd, timeoutMs);
      if (r.timedOut) return { ok: false, message: `command ${JSON.stringify(cmd.join(' '))} timed out` };
      if (r.exitCode === 0) return { ok: true, message: r.output };
      return { ok: false, message: r.output.trim() || `command ${JSON.stringify(cmd.join(' '))} exited with ${r.exitCode}` };
    } catch (e) {
      return { ok: false, message: (e as Error).message };
    }
  }

  private httpGet(a: HTTPGetAction, t: HandlerTarget, timeoutMs: number): Promise<HandlerResult> {
    const port = resolvePort(a.port, t.container);
    const host = a.host || t.podIP;
    if (!port || !host) return Promise.resolve({ ok: false, message: `cannot resolve ${host ?? 'pod IP'}:${String(a.port)}` });
    const url = httpGetURL(a, host, port);
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
    for (const hd of a.httpHeaders ?? []) headers[hd.name] = hd.value;
    const lib = url.startsWith('https') ? https : http;
    return new Promise((resolve) => {
      const req = lib.get(url, { headers, timeout: timeoutMs, rejectUnauthorized: false, agent: false }, (res) => {
        const code = res.statusCode ?? 0;
        res.resume();
        if (code >= 200 && code < 400) resolve({ ok: true, message: '' });
        else resolve({ ok: false, message: `HTTP probe failed with statuscode: ${code}` });
      });
      req.on('timeout', () => {
        req.destroy();
        resolve({ ok: false, message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
      });
      req.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, message: `Get "${url}": ${describe(e, host, port)}` }));
    });
  }

  private tcp(host: string | undefined, port: number | undefined, timeoutMs: number): Promise<HandlerResult> {
    if (!host || !port) return Promise.resolve({ ok: false, message: `cannot resolve ${host ?? 'pod IP'}:${port ?? '?'}` });
    return new Promise((resolve) => {
      const s = net.connect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        resolve({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` });
      }, timeoutMs);
      s.on('connect', () => {
        clearTimeout(timer);
        s.destroy();
        resolve({ ok: true, message: '' });
      });
      s.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve({ ok: false, message: describe(e, host, port) });
      });
    });
  }
}

function describe(e: NodeJS.ErrnoException, host: string, port: number): string {
  if (e.code === 'ECONNREFUSED') return `dial tcp ${host}:${port}: connect: connection refused`;
  if (e.code === 'EHOSTUNREACH') return `dial tcp ${host}:${port}: connect: no route to host`;
  return e.message;
}
