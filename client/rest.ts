// HTTP(S) client for the Kubernetes API: authentication from a ClientConfig,
// JSON in and out, `Status` errors decoded into ApiError, and generic
// resource verbs built from the shared ResourceInfo table.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { createSecureContext } from 'node:tls';
import type { DeleteOptions, KubeList, KubeObject, Status } from '../api/meta.js';
import { findByKind, type ResourceInfo } from '../api/resources.js';
import { ApiError, statusOf, type StatusReason } from '../api/errors.js';
import type { ClientConfig } from './kubeconfig.js';
import { silentLogger, type Logger } from './logger.js';
import { encodeQuery, resourcePath, type Query } from './paths.js';
import { TokenBucket } from './rate-limit.js';

export interface RestClientOptions {
  userAgent?: string;
  /** client-side request rate limit; off unless set */
  qps?: number;
  /** tokens saved up for bursts; defaults to max(1, 2*qps) */
  burst?: number;
  /** default per-request timeout; none unless set */
  timeoutMs?: number;
  /** sockets per host for ordinary requests (long-running streams use their own pool) */
  maxSockets?: number;
  logger?: Logger;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface RequestOptions extends CallOptions {
  method: string;
  /** absolute API path, e.g. `/api/v1/namespaces/default/pods` */
  path: string;
  query?: Query;
  /** JSON-encoded unless a Buffer or string */
  body?: unknown;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
  /** the caller has no use for a successful answer: it is read but not decoded, and the call resolves to undefined */
  discardResponse?: boolean;
}

export interface ListOptions extends CallOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WriteOptions extends CallOptions {
  fieldManager?: string;
  dryRun?: boolean;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export interface PatchOptions extends WriteOptions {
  subresource?: string;
  /** server-side apply: take over conflicting fields */
  force?: boolean;
}

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

const REASON_FOR_CODE: Record<number, StatusReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export class RestClient {
  readonly config: ClientConfig;
  private readonly base: URL;
  private readonly transport: typeof http | typeof https;
  /** keep-alive pool for ordinary requests */
  private readonly agent: http.Agent;
  /** watches and log follows hold a socket for minutes: keep them from starving requests */
  private readonly streamAgent: http.Agent;
  private readonly limiter?: TokenBucket;
  private readonly userAgent: string;
  private readonly defaultTimeoutMs?: number;
  private readonly log: Logger;
  /** protocol, host and port of every request */
  private readonly target: https.RequestOptions;
  /** the server URL's path prefix, without a trailing slash */
  private readonly basePath: string;

  constructor(config: ClientConfig, opts: RestClientOptions = {}) {
    this.config = config;
    this.base = new URL(config.server);
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:') {
      throw new Error(`server ${config.server}: unsupported scheme ${this.base.protocol}`);
    }
    const secure = this.base.protocol === 'https:';
    this.transport = secure ? https : http;
    const tls: https.AgentOptions = secure
      ? {
          ...sharedSecureContext(config),
          rejectUnauthorized: !config.insecureSkipTLSVerify,
          servername: config.tlsServerName,
        }
      : {};
    const Agent = secure ? https.Agent : http.Agent;
    this.agent = new Agent({ ...tls, keepAlive: true, maxSockets: opts.maxSockets ?? 64 });
    this.streamAgent = new Agent({ ...tls, keepAlive: true });
    if (opts.qps !== undefined) this.limiter = new TokenBucket(opts.qps, opts.burst ?? Math.max(1, 2 * opts.qps));
    this.userAgent = opts.userAgent ?? `kubelite/0.1.0 (node ${process.version})`;
    this.defaultTimeoutMs = opts.timeoutMs;
    this.log = opts.logger ?? silentLogger;
    const hostname = this.base.hostname;
    this.target = {
      protocol: this.base.protocol,
      // URL keeps IPv6 literals in brackets; the socket layer wants them bare
      hostname: hostname.startsWith('[') ? hostname.slice(1, -1) : hostname,
      port: this.base.port || (secure ? 443 : 80),
    };
    this.basePath = this.base.pathname.replace(/\/+$/, '');
  }

  /** Default namespace of the kubeconfig context. */
  get namespace(): string {
    return this.config.namespace;
  }

  /** Closes pooled connections, including open streams. */
  close(): void {
    this.agent.destroy();
    this.streamAgent.destroy();
  }

  /** Sends a request and decodes the JSON reply; a non-2xx reply throws ApiError. */
  async request<T>(opts: RequestOptions): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    return this.withRetry(opts, async () => {
      // The timeout destroys the request itself: an AbortController (and a combined
      // signal) per request cost more than the rest of the request setup.
      let timedOut = false;
      let timer: NodeJS.Timeout | undefined;
      const startTimer = (req: http.ClientRequest): void => {
        if (timeoutMs === undefined || timeoutMs <= 0) return;
        timer = setTimeout(() => {
          timedOut = true;
          req.destroy(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
        }, timeoutMs);
      };
      try {
        const res = await this.send(opts, this.agent, opts.signal, startTimer);
        const body = await readBody(res);
        if (!isSuccess(res.statusCode)) throw decodeError(res, body);
        if (opts.discardResponse) return undefined as T;
        return decodeBody<T>(res, body, opts);
      } catch (e) {
        throw timedOut && !opts.signal?.aborted ? timeoutError(opts, timeoutMs) : e;
      } finally {
        clearTimeout(timer);
      }
    });
  }

  /**
   * Sends a request and hands back the open response for the caller to consume
   * (watch, log follow). `timeoutMs` bounds only the wait for the headers.
   */
  async stream(opts: RequestOptions): Promise<IncomingMessage> {
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    return this.withRetry(opts, async () => {
      const call = this.callSignal(undefined, timeoutMs, opts);
      // The caller's signal must outlive the header timeout, so it is passed on its own.
      const signal = opts.signal && call ? AbortSignal.any([opts.signal, call.signal]) : (call?.signal ?? opts.signal);
      try {
        const res = await this.send(opts, this.streamAgent, signal);
        if (!isSuccess(res.statusCode)) throw decodeError(res, await readBody(res));
        return res;
      } catch (e) {
        throw call ? call.translate(e) : e;
      } finally {
        call?.clear();
      }
    });
  }

  // ---- resource verbs ----

  /** ResourceInfo of a kind as served by kubelite, e.g. `resource('apps/v1', 'Deployment')`. */
  resource(apiVersion: string, kind: string): ResourceInfo {
    const info = findByKind(apiVersion, kind);
    if (!info) throw new Error(`no resource serves kind "${kind}" in "${apiVersion}"`);
    return info;
  }

  get<T extends KubeObject = KubeObject>(info: ResourceInfo, ns: string | undefined, name: string, call: CallOptions = {}): Promise<T> {
    return this.request<T>({ ...call, method: 'GET', path: resourcePath(info, ns, name) });
  }

  list<T extends KubeObject = KubeObject>(info: ResourceInfo, ns: string | undefined, opts: ListOptions = {}): Promise<KubeList<T>> {
    return this.request<KubeList<T>>({
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      method: 'GET',
      path: resourcePath(info, ns),
      query: {
        labelSelector: opts.labelSelector || undefined,
        fieldSelector: opts.fieldSelector || undefined,
        limit: opts.limit,
        continue: opts.continue || undefined,
        resourceVersion: opts.resourceVersion,
        resourceVersionMatch: opts.resourceVersionMatch,
      },
    });
  }

  /** `ns` may be undefined to use the object's own `metadata.namespace`. */
  create<T extends KubeObject = KubeObject>(info: ResourceInfo, ns: string | undefined, obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.request<T>({
      ...callOf(opts),
      method: 'POST',
      path: resourcePath(info, ns ?? obj.metadata.namespace),
      query: writeQuery(opts),
      body: obj,
    });
  }

  update<T extends KubeObject = KubeObject>(info: ResourceInfo, ns: string | undefined, obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.request<T>({
      ...callOf(opts),
      method: 'PUT',
      path: resourcePath(info, ns ?? obj.metadata.namespace, nameOf(info, obj)),
      query: writeQuery(opts),
      body: obj,
    });
  }

  updateStatus<T extends KubeObject = KubeObject>(info: ResourceInfo, ns: string | undefined, obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.request<T>({
      ...callOf(opts),
      method: 'PUT',
      path: resourcePath(info, ns ?? obj.metadata.namespace, nameOf(info, obj), 'status'),
      query: writeQuery(opts),
      body: obj,
    });
  }

  patch<T = KubeObject>(
    info: ResourceInfo,
    ns: string | undefined,
    name: string,
    patch: unknown,
    type: PatchType,
    opts: PatchOptions = {},
  ): Promise<T> {
    return this.request<T>(this.patchRequest(info, ns, name, patch, type, opts));
  }

  /**
   * patch() for a caller that does not use the patched object (a kubelet reporting pod
   * status): the answer is not decoded, which spares parsing a whole pod per write.
   */
  async patchWithoutResult(
    info: ResourceInfo,
    ns: string | undefined,
    name: string,
    patch: unknown,
    type: PatchType,
    opts: PatchOptions = {},
  ): Promise<void> {
    await this.request<undefined>({ ...this.patchRequest(info, ns, name, patch, type, opts), discardResponse: true });
  }

  private patchRequest(info: ResourceInfo, ns: string | undefined, name: string, patch: unknown, type: PatchType, opts: PatchOptions): RequestOptions {
    // The apiserver requires a field manager for apply patches.
    const fieldManager = opts.fieldManager ?? (type === 'apply' ? 'kubelite' : undefined);
    return {
      ...callOf(opts),
      method: 'PATCH',
      path: resourcePath(info, ns, name, opts.subresource),
      query: { ...writeQuery({ ...opts, fieldManager }), force: opts.force },
      body: typeof patch === 'string' || Buffer.isBuffer(patch) ? patch : JSON.stringify(patch),
      contentType: PATCH_CONTENT_TYPES[type],
    };
  }

  /** Resolves to the object (when deletion is graceful or blocked by finalizers) or a Success Status. */
  delete<T extends KubeObject = KubeObject>(
    info: ResourceInfo,
    ns: string | undefined,
    name: string,
    opts?: DeleteOptions,
    call: CallOptions = {},
  ): Promise<T | Status> {
    return this.request<T | Status>({
      ...call,
      method: 'DELETE',
      path: resourcePath(info, ns, name),
      body: opts ? { kind: 'DeleteOptions', apiVersion: 'v1', ...opts } : undefined,
    });
  }

  deleteCollection(
    info: ResourceInfo,
    ns: string | undefined,
    selectors: { labelSelector?: string; fieldSelector?: string } = {},
    opts?: DeleteOptions,
    call: CallOptions = {},
  ): Promise<Status | KubeList> {
    return this.request<Status | KubeList>({
      ...call,
      method: 'DELETE',
      path: resourcePath(info, ns),
      query: { labelSelector: selectors.labelSelector || undefined, fieldSelector: selectors.fieldSelector || undefined },
      body: opts ? { kind: 'DeleteOptions', apiVersion: 'v1', ...opts } : undefined,
    });
  }

  getSubresource<T = KubeObject>(info: ResourceInfo, ns: string | undefined, name: string, subresource: string, call: CallOptions = {}): Promise<T> {
    return this.request<T>({ ...call, method: 'GET', path: resourcePath(info, ns, name, subresource) });
  }

  putSubresource<T = KubeObject>(
    info: ResourceInfo,
    ns: string | undefined,
    name: string,
    subresource: string,
    body: unknown,
    opts: WriteOptions = {},
  ): Promise<T> {
    return this.request<T>({
      ...callOf(opts),
      method: 'PUT',
      path: resourcePath(info, ns, name, subresource),
      query: writeQuery(opts),
      body,
    });
  }

  /** POST to a subresource, e.g. `pods/<name>/binding` or `pods/<name>/eviction`. */
  createSubresource<T = unknown>(
    info: ResourceInfo,
    ns: string | undefined,
    name: string,
    subresource: string,
    body: unknown,
    opts: WriteOptions = {},
  ): Promise<T> {
    return this.request<T>({
      ...callOf(opts),
      method: 'POST',
      path: resourcePath(info, ns, name, subresource),
      query: writeQuery(opts),
      body,
    });
  }

  // ---- plumbing ----

  /** GETs are retried once on ECONNRESET: a pooled keep-alive socket may have been closed by the server. */
  private async withRetry<T>(opts: RequestOptions, attempt: () => Promise<T>): Promise<T> {
    if (this.limiter) await this.limiter.take(opts.signal);
    try {
      return await attempt();
    } catch (e) {
      if (opts.method.toUpperCase() !== 'GET' || (e as NodeJS.ErrnoException).code !== 'ECONNRESET' || opts.signal?.aborted) {
        throw e;
      }
      this.log.debug({ method: opts.method, path: opts.path }, 'connection reset, retrying once');
      return attempt();
    }
  }

  /**
   * Combines the caller's signal with a timeout, and names a timeout as such.
   * Without a timeout there is nothing to combine: the caller's signal (if any) is used as-is.
   */
  private callSignal(
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    opts: RequestOptions,
  ): { signal: AbortSignal; clear: () => void; translate: (e: unknown) => unknown } | undefined {
    if (timeoutMs === undefined || timeoutMs <= 0) return undefined;
    const ctl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctl.abort();
    }, timeoutMs);
    return {
      signal: signal ? AbortSignal.any([signal, ctl.signal]) : ctl.signal,
      clear: () => clearTimeout(timer),
      translate: (e) => (!timedOut || signal?.aborted ? e : timeoutError(opts, timeoutMs)),
    };
  }

  private send(
    opts: RequestOptions,
    agent: http.Agent,
    signal: AbortSignal | undefined,
    started?: (req: http.ClientRequest) => void,
  ): Promise<IncomingMessage> {
    const headers = this.headers(opts);
    let payload: Buffer | undefined;
    if (opts.body !== undefined) {
      payload = Buffer.isBuffer(opts.body)
        ? opts.body
        : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const reqOpts = this.requestOptions(opts, headers, agent);
    if (signal) reqOpts.signal = signal;
    return new Promise((resolve, reject) => {
      const req = this.transport.request(reqOpts, resolve);
      req.on('error', reject);
      started?.(req);
      req.end(payload);
    });
  }

  /**
   * A request whose body the caller streams (an image archive may be hundreds of MB):
   * write to `req` or pipe into it. `response` is the decoded answer, an ApiError for
   * a non-2xx one; it may come before the body is complete.
   */
  upload(opts: Omit<RequestOptions, 'body' | 'signal' | 'timeoutMs'>): { req: http.ClientRequest; response: Promise<unknown> } {
    const headers = this.headers(opts);
    headers['Content-Type'] = opts.contentType ?? 'application/octet-stream';
    // The stream pool keeps its sockets alive, so no `Connection: close`: with it the
    // server would close the socket right after an early answer (already present, or an
    // error) while we still send, and the reset could swallow that answer.
    const req = this.transport.request(this.requestOptions(opts, headers, this.streamAgent));
    const response = new Promise<unknown>((resolve, reject) => {
      let answered = false;
      req.on('response', (res: IncomingMessage) => {
        answered = true;
        readBody(res)
          .then((body) => {
            if (!isSuccess(res.statusCode)) throw decodeError(res, body);
            return decodeBody<unknown>(res, body, opts);
          })
          .then(resolve, reject);
      });
      // once the answer is in, a reset of the upload side does not matter
      req.on('error', (err) => {
        if (!answered) reject(err);
      });
    });
    return { req, response };
  }

  private headers(opts: Pick<RequestOptions, 'accept' | 'headers'>): Record<string, string> {
    const headers: Record<string, string> = {
      Accept: opts.accept ?? 'application/json',
      'User-Agent': this.userAgent,
      ...opts.headers,
    };
    if (this.config.token) headers.Authorization = `Bearer ${this.config.token}`;
    return headers;
  }

  // Plain request options, not a URL: the target never changes, and parsing a URL
  // per request (and turning it back into options) is measurable at hundreds of requests/s.
  private requestOptions(opts: Pick<RequestOptions, 'method' | 'path' | 'query'>, headers: Record<string, string>, agent: http.Agent): https.RequestOptions {
    return {
      ...this.target,
      path: this.basePath + encodePath(opts.path) + encodeQuery(opts.query),
      method: opts.method,
      headers,
      agent,
    };
  }
}

/**
 * One TLS context for every connection of the client: otherwise each new socket
 * parses the CA, certificate and key again. Material that does not load is handed
 * over as it is, so the error still surfaces on the request, as before.
 */
function sharedSecureContext(config: ClientConfig): https.AgentOptions {
  const material = { ca: config.ca, cert: config.cert, key: config.key };
  try {
    return { secureContext: createSecureContext(material) };
  } catch {
    return material;
  }
}

function timeoutError(opts: RequestOptions, timeoutMs: number | undefined): NodeJS.ErrnoException {
  const err = new Error(`${opts.method} ${opts.path}: timed out after ${timeoutMs} ms`) as NodeJS.ErrnoException;
  err.code = 'ETIMEDOUT';
  return err;
}

function callOf(opts: CallOptions): CallOptions {
  return { signal: opts.signal, timeoutMs: opts.timeoutMs };
}

function writeQuery(opts: WriteOptions): Query {
  return { fieldManager: opts.fieldManager, dryRun: opts.dryRun ? 'All' : undefined };
}

function nameOf(info: ResourceInfo, obj: KubeObject): string {
  const name = obj.metadata.name;
  if (!name) throw new Error(`${info.resource}: object has no metadata.name`);
  return name;
}

function isSuccess(code: number | undefined): boolean {
  return code !== undefined && code >= 200 && code < 300;
}

/** The whole response body (plain listeners: cheaper than an async iterator per response). */
function readBody(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    res.on('error', reject);
    // closed before the end without an error of its own: the connection went away
    res.on('close', () => {
      if (!res.complete) reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    });
  });
}

/**
 * The path as a URL would send it. Ordinary API paths are sent as they are; anything
 * a URL would rewrite (dot segments, characters it percent-encodes, `?` or `#`) goes
 * through URL so the request line stays exactly what it was.
 */
export function encodePath(path: string): string {
  if (PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path)) return path;
  const url = new URL(path, 'http://x');
  return url.pathname + url.search;
}

const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)|%2e/i;

function decodeBody<T>(res: IncomingMessage, body: Buffer, opts: RequestOptions): T {
  if (body.length === 0) return undefined as T;
  const contentType = res.headers['content-type'] ?? '';
  const text = body.toString('utf8');
  if (contentType === '' || contentType.includes('json')) {
    try {
      return JSON.parse(text) as T;
    } catch {
      if (contentType !== '') throw new Error(`${opts.method} ${opts.path}: invalid JSON in response`);
    }
  }
  return text as T;
}

/** A Status from the body when the server sent one, else one made from the HTTP status. */
export function decodeError(res: Pick<IncomingMessage, 'statusCode' | 'statusMessage'>, body: Buffer): ApiError {
  const code = res.statusCode ?? 0;
  const text = body.toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && (parsed as { kind?: unknown }).kind === 'Status') {
      const status = parsed as Status;
      return new ApiError({ ...status, metadata: status.metadata ?? {}, code: status.code || code });
    }
  } catch {
    // not JSON: fall through to a synthesized Status
  }
  const trimmed = text.trim();
  const message =
    trimmed && trimmed.length <= 200 && !trimmed.startsWith('<')
      ? trimmed
      : `the server responded with status ${code}${res.statusMessage ? ` (${res.statusMessage})` : ''}`;
  return new ApiError(statusOf(code, REASON_FOR_CODE[code], message));
}
