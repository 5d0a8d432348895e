// The apiserver's HTTPS front: authentication, discovery, OpenAPI, version and
// health endpoints, and routing of resource requests. Every error leaves as a
// Kubernetes Status; nothing a client sends can take the process down.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, errors, statusOf } from '../../api/errors.js';
import type { Registry } from '../registry/registry.js';
import { identify, type TokenAuthenticator, type UserInfo } from '../auth/authenticate.js';
import { forbidden, type Decision } from '../auth/authorize.js';
import { requestAttributes, type RequestAttributes } from '../auth/request-attributes.js';
import type { KubeObject } from '../../api/meta.js';
import type { ApiserverMetrics } from '../metrics.js';
import { parseApiPath, pathSegments, requestPathname, trimTrailingSlashes } from './request-path.js';
import { ResourceHandler, send, type Query } from './resource-handler.js';
import { BODY_MEDIA_TYPES } from './body.js';
import { WatchHub } from './watch.js';
import {
  aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo, wantsAggregatedDiscovery,
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
} from '../discovery.js';
import { openApiV3Doc, openApiV3Root } from '../openapi.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;
const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

/** Extra handlers for stream subresources and aggregated APIs (log, exec, metrics.k8s.io). */
export interface RouteExtension {
  /** returns true when it handled the request */
  handle(req: FastifyRequest, reply: FastifyReply, user: UserInfo, pathname: string): Promise<boolean> | boolean;
  /** HTTP Upgrade requests (WebSocket exec/attach/port-forward); returns true when it took the socket */
  handleUpgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, user: UserInfo, pathname: string): boolean;
  /** request bodies of these media types are left unread for the extension to stream (no size limit) */
  rawBodyContentTypes?: string[];
}

export interface ServerOptions {
  tls: { key: string; cert: string; ca: string };
  registry: Registry;
  metrics: ApiserverMetrics;
  logger: Logger;
  tokenAuthenticators: TokenAuthenticator[];
  /** decides every request that is not a health/version probe; runs before any handler or extension */
  authorize(user: UserInfo, attrs: RequestAttributes): Decision;
  /** objects a create is about to store, for checks only the body can answer (returns the reason to refuse) */
  admitCreate?(user: UserInfo, attrs: RequestAttributes, obj: KubeObject): string | undefined;
  /** host:port clients should use, for legacy discovery */
  serverAddress: string;
  isReady: () => boolean;
  extensions?: RouteExtension[];
}

export interface ApiHttpServer {
  app: FastifyInstance;
  hub: WatchHub;
}

export function buildServer(opts: ServerOptions): ApiHttpServer {
  const app = Fastify({
    https: { key: opts.tls.key, cert: opts.tls.cert, ca: opts.tls.ca, requestCert: true, rejectUnauthorized: false },
    bodyLimit: MAX_BODY_BYTES,
    logger: false,
    return503OnClosing: true,
    keepAliveTimeout: 65_000,
    forceCloseConnections: true,
    // Kubernetes paths are case-sensitive and may carry encoded names
    routerOptions: { caseSensitive: true, ignoreTrailingSlash: true, maxParamLength: 1000 },
  });
  const { metrics, registry, logger } = opts;
  const hub = new WatchHub(
    registry.store,
    (resource, delta) => metrics.watchers.inc({ resource }, delta),
    (resource, n) => metrics.watchEvents.inc({ resource }, n),
  );
  const handler = new ResourceHandler(registry, hub);
  const extensions = opts.extensions ?? [];

  app.removeAllContentTypeParsers();
  const rawTypes = new Set(extensions.flatMap((e) => e.rawBodyContentTypes ?? []));
  const readBody = (_req: FastifyRequest, body: Buffer, done: (err: null, body: Buffer) => void) => done(null, body);
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, readBody);
  for (const ct of BODY_MEDIA_TYPES) {
    if (!rawTypes.has(ct)) app.addContentTypeParser(ct, { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, readBody);
  }
  for (const ct of rawTypes) {
    app.addContentTypeParser(ct, (_req, _payload, done) => done(null, undefined));
  }

  app.setErrorHandler((err, req, reply) => {
    const status = toStatus(err);
    if (status.code >= 500) logger.error({ err, method: req.method, url: req.url }, 'request failed');
    void reply.code(status.code).header('content-type', 'application/json').send(JSON.stringify(status));
  });
  app.setNotFoundHandler((req, reply) => {
    void send(reply, 404, statusOf(404, 'NotFound', 'the server could not find the requested resource'), 'json');
  });

  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    handler: async (req, reply) => {
      const started = performance.now();
      const pathname = trimTrailingSlashes(requestPathname(req.url));
      let verb = req.method.toLowerCase();
      let resource = '';
      // a thrown error is answered by the error handler after this handler returns, so
      // reply.statusCode does not hold its code yet when the request is counted
      let thrownCode: number | undefined;
      try {
        if (PUBLIC_PATHS.has(pathname)) return servePublic(pathname, reply, opts);
        // split and decoded once for both authorization and routing
        const segments = pathSegments(pathname);
        const attrs = requestAttributes(req.method, pathname, req.query as Query, segments);
        const user = authorizeRequest(req.raw, attrs, opts);
        (req as FastifyRequest & { user?: UserInfo }).user = user;

        for (const ext of extensions) {
          // awaiting only real promises spares a microtask hop for extensions that answer synchronously
          const handled = ext.handle(req, reply, user, pathname);
          if (handled === true || (handled !== false && await handled)) return reply;
        }

        if (pathname === '/metrics') {
          return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
        }
        if (pathname.startsWith('/openapi/')) return serveOpenApi(pathname, reply);
        const p = parseApiPath(pathname, segments);
        switch (p.type) {
          case 'core-root':
            return wantsAggregatedDiscovery(req.headers.accept ?? '')
              ? sendAggregated(reply, aggregatedDiscovery('core'))
              : send(reply, 200, apiVersions(opts.serverAddress), 'json');
          case 'apis-root':
            return wantsAggregatedDiscovery(req.headers.accept ?? '')
              ? sendAggregated(reply, aggregatedDiscovery('apis'))
              : send(reply, 200, apiGroupList(), 'json');
          case 'group':
            return send(reply, 200, apiGroup(p.group), 'json');
          case 'group-version':
            return send(reply, 200, apiResourceList(p.group, p.version), 'json');
          case 'unknown-resource':
            throw errors.notFound(p.resource, p.group, '');
          case 'not-found':
            throw new ApiError(statusOf(404, 'NotFound', 'the server could not find the requested resource'));
          case 'resource': {
            resource = p.subresource ? `${p.info.resource}/${p.subresource}` : p.info.resource;
            verb = handler.verbOf(req.method, p, req.query as Query);
            const admit = opts.admitCreate;
            await handler.handle(req, reply, p, user, admit && ((obj) => {
              const why = admit(user, attrs, obj);
              if (why) throw forbidden(user, { ...attrs, name: obj.metadata?.name ?? '' }, why);
            }));
            return reply;
          }
        }
      } catch (e) {
        thrownCode = toStatus(e).code;
        throw e;
      } finally {
        if (verb !== 'watch' && resource) {
          metrics.latency.observe({ verb, resource }, (performance.now() - started) / 1000);
          metrics.requests.inc({ verb, resource, code: String(thrownCode ?? reply.statusCode) });
        }
      }
    },
  });

  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      const url = new URL(req.url ?? '/', 'https://x');
      const pathname = url.pathname.replace(/\/+$/, '');
      const attrs = requestAttributes(req.method ?? 'GET', pathname, Object.fromEntries(url.searchParams));
      const user = authorizeRequest(req, attrs, opts);
      for (const ext of opts.extensions ?? []) {
        if (ext.handleUpgrade?.(req, socket, head, user, pathname)) return;
      }
      rejectUpgrade(socket, statusOf(404, 'NotFound', 'the server could not find the requested resource'));
    } catch (err) {
      if (!(err instanceof ApiError)) logger.error({ err }, 'upgrade failed');
      rejectUpgrade(socket, toStatus(err));
    }
  });

  return { app, hub };
}

/**
 * Authenticates and authorizes one request. Anonymous requests that are not allowed
 * get 401 (they never proved who they are), authenticated ones 403.
 */
function authorizeRequest(req: IncomingMessage, attrs: RequestAttributes, opts: ServerOptions): UserInfo {
  const who = identify(req, opts.tokenAuthenticators);
  if (!who) throw errors.unauthorized();
  const decision = opts.authorize(who.user, attrs);
  if (decision.allowed) return who.user;
  if (who.anonymous) throw errors.unauthorized();
  throw forbidden(who.user, attrs, decision.reason);
}

/** Answers an Upgrade request that will not be upgraded with a plain HTTP Status response. */
export function rejectUpgrade(socket: Duplex, status: ReturnType<typeof statusOf>): void {
  const body = JSON.stringify(status);
  socket.end(`HTTP/1.1 ${status.code} ${status.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function servePublic(pathname: string, reply: FastifyReply, opts: ServerOptions): FastifyReply {
  if (pathname === '/version') return send(reply, 200, versionInfo(), 'json');
  if (pathname === '/readyz' && !opts.isReady()) return reply.code(503).header('content-type', 'text/plain').send('not ready');
  return reply.code(200).header('content-type', 'text/plain').send('ok');
}

function sendAggregated(reply: FastifyReply, doc: unknown): FastifyReply {
  return reply.code(200).header('content-type', AGGREGATED_DISCOVERY_CONTENT_TYPE).send(JSON.stringify(doc));
}

function serveOpenApi(pathname: string, reply: FastifyReply): FastifyReply {
  if (pathname === '/openapi/v3') return send(reply, 200, openApiV3Root(), 'json');
  const m = /^\/openapi\/v3\/(api\/v1|apis\/([^/]+)\/([^/]+))$/.exec(pathname);
  if (m) {
    const group = m[2] ?? '';
    const version = m[3] ?? 'v1';
    const res = openApiV3Doc(group, version);
    if (res) {
      return reply.code(200).header('content-type', 'application/json').header('etag', `"${res.hash}"`).send(JSON.stringify(res.doc));
    }
  }
  return send(reply, 404, statusOf(404, 'NotFound', 'the server could not find the requested resource'), 'json');
}

function toStatus(err: unknown): ReturnType<typeof statusOf> {
  if (err instanceof ApiError) return err.status;
  const e = err as { code?: string; statusCode?: number; message?: string };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.statusCode === 413) {
    return statusOf(413, 'RequestEntityTooLarge', `the request body is larger than the limit of ${MAX_BODY_BYTES} bytes`);
  }
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.statusCode === 415) {
    return statusOf(415, 'UnsupportedMediaType', e.message ?? 'unsupported media type');
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return statusOf(e.statusCode, 'BadRequest', e.message ?? 'bad request');
  }
  return statusOf(500, 'InternalError', `Internal error occurred: ${e.message ?? String(err)}`);
}
