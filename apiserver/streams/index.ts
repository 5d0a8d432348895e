// The streams extension of the apiserver: pods/log, pods/exec, pods/portforward,
// nodes/proxy/images/{load,status} (proxied to the kubelet over gRPC) and metrics.k8s.io/v1beta1.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError, errors, statusOf } from '../../api/errors.js';
import type { Status } from '../../api/meta.js';
import type { Logger } from '../../client/logger.js';
import { errorFields } from '../../client/logger.js';
import type { Registry } from '../registry/registry.js';
import { rejectUpgrade, type RouteExtension } from '../http/server.js';
import { negotiateExecProtocol, type ExecProtocol } from './channel.js';
import { getPod, podTarget, type StreamsContext } from './context.js';
import { parseExecQuery } from './exec-query.js';
import { runExecSession } from './exec.js';
import { KubeletClients, type KubeletClientTls } from './kubelet-client.js';
import { serveLog } from './log.js';
import { serveMetrics } from './metrics.js';
import { serveImageLoad, serveImageStatus } from './image-load.js';
import { IMAGE_TAR_CONTENT_TYPE } from './image-load-query.js';
import { checkExecAllowed, resolveContainer } from './pods.js';
import {
  SPDY_TUNNEL_PROTOCOL, isSpdyUpgrade, negotiatePortForwardProtocol, parsePorts, runChannelPortForward, runDirectSpdyPortForward,
  runSpdyPortForward,
} from './portforward.js';
import { matchRoute, type StreamRoute } from './routes.js';

export interface StreamsExtensionOptions {
  registry: Registry;
  logger: Logger;
  /** the apiserver's client certificate for kubelets, and the CA their serving certificates chain to */
  kubeletClientTls: KubeletClientTls | undefined;
}

export interface StreamsExtension extends RouteExtension {
  close(): void;
}

function offeredProtocols(req: IncomingMessage): string[] {
  const h = req.headers['sec-websocket-protocol'];
  return (Array.isArray(h) ? h.join(',') : h ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function statusFor(err: unknown): Status {
  if (err instanceof ApiError) return err.status;
  return statusOf(500, 'InternalError', `Internal error occurred: ${(err as Error).message ?? String(err)}`);
}

export function createStreamsExtension(opts: StreamsExtensionOptions): StreamsExtension {
  const ctx: StreamsContext = { registry: opts.registry, logger: opts.logger, kubelets: new KubeletClients(opts.kubeletClientTls) };
  // We pick the subprotocol ourselves and keep `ws` out of it: its token check refuses
  // `SPDY/3.1+portforward.k8s.io` ('/' is not a token character), which kubectl sends.
  const chosen = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  wss.on('headers', (headers, req) => {
    const p = chosen.get(req);
    if (p) headers.push(`Sec-WebSocket-Protocol: ${p}`);
  });

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string, then: (ws: WebSocket) => void) => {
    chosen.set(req, protocol);
    delete req.headers['sec-websocket-protocol'];
    wss.handleUpgrade(req, socket, head, (ws) => {
      try {
        then(ws);
      } catch (err) {
        opts.logger.error({ ...errorFields(err) }, 'stream session failed to start');
        ws.close(1011);
      }
    });
  };

  const podUpgrade = (route: Extract<StreamRoute, { kind: 'pod' }>, req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'https://x');
    const isWebSocket = (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
    const offered = offeredProtocols(req);
    if (route.subresource === 'log') throw errors.badRequest('pods/log is not served over an upgraded connection');
    if (route.subresource === 'attach') throw errors.badRequest('attach is not supported by kubelite; use exec');
    const pod = getPod(ctx, route.namespace, route.name);
    if (route.subresource === 'exec') {
      const q = parseExecQuery(url.searchParams);
      const container = resolveContainer(pod, q.container);
      checkExecAllowed(pod, container);
      const target = podTarget(ctx, pod);
      const protocol: ExecProtocol | undefined = isWebSocket ? negotiateExecProtocol(offered) : undefined;
      if (!protocol) {
        throw errors.badRequest(`kubelite serves exec over WebSocket with v5.channel.k8s.io or v4.channel.k8s.io; offered: ${isWebSocket ? (offered.join(', ') || 'none') : `Upgrade: ${req.headers.upgrade ?? ''}`}`);
      }
      upgrade(req, socket, head, protocol, (ws) => runExecSession(ctx, ws, protocol, target, container, q));
      return;
    }
    // portforward
    const target = podTarget(ctx, pod);
    if (!isWebSocket && isSpdyUpgrade(req)) {
      // kubectl's fallback (and clients before 1.30): SPDY straight on the upgraded connection
      runDirectSpdyPortForward(ctx, socket, head, target);
      return;
    }
    const protocol = isWebSocket ? negotiatePortForwardProtocol(offered) : undefined;
    if (!protocol) {
      throw errors.badRequest(`kubelite serves port-forward over WebSocket (${SPDY_TUNNEL_PROTOCOL} or v4.channel.k8s.io); offered: ${isWebSocket ? (offered.join(', ') || 'none') : `Upgrade: ${req.headers.upgrade ?? ''}`}`);
    }
    if (protocol === SPDY_TUNNEL_PROTOCOL) {
      upgrade(req, socket, head, protocol, (ws) => runSpdyPortForward(ctx, ws, target));
      return;
    }
    const ports = parsePorts(url.searchParams);
    if (typeof ports === 'string') throw errors.badRequest(ports);
    if (!ports.length) throw errors.badRequest('query parameter "ports" is required');
    upgrade(req, socket, head, protocol, (ws) => runChannelPortForward(ctx, ws, target, ports));
  };

  return {
    rawBodyContentTypes: [IMAGE_TAR_CONTENT_TYPE],

    async handle(req: FastifyRequest, reply: FastifyReply, _user, pathname: string): Promise<boolean> {
      const route = matchRoute(pathname);
      if (!route) return false;
      const url = new URL(req.url, 'https://x');
      if (route.kind === 'node-images') {
        await (route.action === 'load' ? serveImageLoad : serveImageStatus)(ctx, route.node, req, reply);
        return true;
      }
      if (route.kind === 'metrics') {
        if (req.method !== 'GET') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
        const body = await serveMetrics(ctx, route, url.searchParams);
        void reply.code(200).header('content-type', 'application/json').send(JSON.stringify(body));
        return true;
      }
      if (route.subresource === 'log') {
        if (req.method !== 'GET') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
        await serveLog(ctx, route.namespace, route.name, url, reply);
        return true;
      }
      // exec/attach/portforward without an Upgrade header: check what can be checked, then say so
      getPod(ctx, route.namespace, route.name);
      throw errors.badRequest('Upgrade request required');
    },

    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, _user, pathname: string): boolean {
      const route = matchRoute(pathname);
      if (!route || route.kind !== 'pod') return false;
      try {
        podUpgrade(route, req, socket, head);
      } catch (err) {
        if (!(err instanceof ApiError)) opts.logger.error({ ...errorFields(err), url: req.url }, 'stream upgrade failed');
        rejectUpgrade(socket, statusFor(err) as ReturnType<typeof statusOf>);
      }
      return true;
    },

    close(): void {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      ctx.kubelets.close();
    },
  };
}
