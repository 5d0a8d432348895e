// Serves one resource request (get/list/watch/create/update/patch/delete and the
// status/scale/binding/finalize subresources) against the registry.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringify as toYaml } from 'yaml';
import type { DeleteOptions, KubeObject } from '../../api/meta.js';
import type { ResourceInfo } from '../../api/resources.js';
import { errors, statusOf } from '../../api/errors.js';
import type { Registry, WriteContext } from '../registry/registry.js';
import { compileFilter } from '../registry/registry.js';
import { toTable } from '../printers/index.js';
import type { WatchHub } from './watch.js';
import { decodeObject, parseJson, PATCH_TYPES } from './body.js';
import { baseContentType, negotiate, type ResponseFormat } from './negotiate.js';
import type { UserInfo } from '../auth/authenticate.js';
import { jsonText } from '../storage/json-text.js';

export type Query = Record<string, string | string[] | undefined>;

export interface ResourceRequest {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** Subresources served directly by the registry. Streams (log/exec/portforward) are routed elsewhere. */
const SUBRESOURCES = new Set(['status', 'scale', 'binding', 'finalize', 'approval']);

export function first(q: Query, key: string): string | undefined {
  const v = q[key];
  return Array.isArray(v) ? v[0] : v;
}

function intParam(q: Query, key: string): number | undefined {
  const v = first(q, key);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`invalid value for ${key}: ${v}`);
  return n;
}

/** The field manager Kubernetes would record: `?fieldManager=` else the user agent's program name. */
function managerOf(req: FastifyRequest, q: Query): string {
  const explicit = first(q, 'fieldManager');
  if (explicit) {
    if (explicit.length > 128) throw errors.badRequest('fieldManager should be at most 128 characters');
    return explicit;
  }
  const ua = req.headers['user-agent'] ?? 'unknown';
  return ua.split('/')[0].slice(0, 128) || 'unknown';
}

export class ResourceHandler {
  constructor(private readonly registry: Registry, private readonly hub: WatchHub) {}

  /** Returns the verb for metrics. */
  verbOf(method: string, r: ResourceRequest, q: Query): string {
    switch (method) {
      case 'GET':
        if (first(q, 'watch') === 'true' || first(q, 'watch') === '1') return 'watch';
        return r.name ? 'get' : 'list';
      case 'POST': return 'create';
      case 'PUT': return 'update';
      case 'PATCH': return 'patch';
      case 'DELETE': return r.name ? 'delete' : 'deletecollection';
      default: return method.toLowerCase();
    }
  }

  /** `admit` sees the decoded body of a create before the registry does, and throws to refuse it. */
  async handle(req: FastifyRequest, reply: FastifyReply, r: ResourceRequest, user: UserInfo, admit?: (obj: KubeObject) => void): Promise<void> {
    const q = req.query as Query;
    const format = negotiate(req.headers.accept);
    const body = req.body as Buffer | undefined;
    const fieldValidation = first(q, 'fieldValidation');
    if (fieldValidation && !['Ignore', 'Warn', 'Strict'].includes(fieldValidation)) {
      throw errors.badRequest(`fieldValidation must be one of Ignore, Warn, Strict (got "${fieldValidation}")`);
    }
    const ctx: WriteContext & { force?: boolean } = {
      user: { name: user.name, uid: user.uid, groups: user.groups },
      manager: '',
      dryRun: first(q, 'dryRun') === 'All',
      fieldValidation: fieldValidation as WriteContext['fieldValidation'],
      warnings: [],
    };
    const addWarnings = () => {
      const w = ctx.warnings ?? [];
      if (w.length) void reply.header('Warning', w.slice(0, 50).map((m) => `299 - ${JSON.stringify(m)}`).join(', '));
    };
    const { info, namespace, name, subresource } = r;
    if (subresource && !SUBRESOURCES.has(subresource)) {
      throw errors.notFound(`${info.resource}/${subresource}`, info.group, name ?? '');
    }
    if (subresource === 'scale' && !info.hasScale) throw errors.notFound(`${info.resource}/scale`, info.group, name ?? '');
    if (subresource === 'status' && !info.hasStatus) throw errors.notFound(`${info.resource}/status`, info.group, name ?? '');
    if (subresource === 'approval' && !(info.group === 'certificates.k8s.io' && info.resource === 'certificatesigningrequests')) {
      throw errors.notFound(`${info.resource}/approval`, info.group, name ?? '');
    }
    if (info.namespaced && name !== undefined && !namespace) {
      throw errors.notFound(info.resource, info.group, name);
    }
    const method = req.method;

    if (method === 'GET') {
      if (!name) {
        const watch = first(q, 'watch');
        if (watch === 'true' || watch === '1') return this.watch(req, reply, r, q, format);
        const list = this.registry.list(info, namespace, {
          labelSelector: first(q, 'labelSelector'), fieldSelector: first(q, 'fieldSelector'),
          limit: intParam(q, 'limit'), continue: first(q, 'continue'),
        });
        if (format === 'table') {
          return send(reply, 200, toTable(info, list.items, {
            includeObject: includeObject(q), resourceVersion: list.metadata.resourceVersion, continue: list.metadata.continue,
          }), 'json');
        }
        return send(reply, 200, list, format);
      }
      let obj: KubeObject;
      if (subresource === 'scale') obj = this.registry.getScale(info, namespace, name);
      else obj = this.registry.get(info, namespace, name);
      if (format === 'table' && subresource !== 'scale') {
        return send(reply, 200, toTable(info, [obj], { includeObject: includeObject(q), resourceVersion: obj.metadata.resourceVersion }), 'json');
      }
      return send(reply, 200, obj, format);
    }

    if (method === 'POST') {
      if (subresource === 'binding' && info.resource === 'pods' && name) {
        const binding = decodeObject(req.headers['content-type'], body);
        ctx.manager = managerOf(req, q);
        await this.registry.bind(namespace!, name, binding, ctx);
        return send(reply, 201, statusOf(201, undefined, ''), 'json');
      }
      if (name && info.resource === 'pods' && !subresource) {
        throw errors.methodNotAllowed('POST is not supported on an individual pod');
      }
      if (name || subresource) throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
      const obj = decodeObject(req.headers['content-type'], body);
      admit?.(obj);
      ctx.manager = managerOf(req, q);
      const created = await this.registry.create(info, namespace, obj, ctx);
      addWarnings();
      return send(reply, ctx.dryRun ? 200 : 201, created, format);
    }

    if (method === 'PUT') {
      if (!name) throw errors.methodNotAllowed('PUT requires a name');
      const obj = decodeObject(req.headers['content-type'], body);
      ctx.manager = managerOf(req, q);
      let out: KubeObject;
      if (subresource === 'status') out = await this.registry.updateStatus(info, namespace, name, obj, ctx);
      else if (subresource === 'scale') out = await this.registry.updateScale(info, namespace, name, obj, ctx);
      else if (subresource === 'approval') out = await this.registry.updateApproval(info, name, obj, ctx);
      else if (subresource === 'finalize' && info.resource === 'namespaces') out = await this.registry.finalizeNamespace(name, obj, ctx);
      else if (subresource) throw errors.methodNotAllowed(`PUT is not supported on ${info.resource}/${subresource}`);
      else out = await this.registry.update(info, namespace, name, obj, ctx);
      addWarnings();
      return send(reply, 200, out, format);
    }

    if (method === 'PATCH') {
      if (!name) throw errors.methodNotAllowed('PATCH requires a name');
      const type = baseContentType(req.headers['content-type']);
      if (!PATCH_TYPES.includes(type)) throw errors.unsupportedMediaType(type);
      if (!body || body.length === 0) throw errors.badRequest('the patch body is empty');
      if (subresource && subresource !== 'status' && subresource !== 'scale' && subresource !== 'approval') {
        throw errors.methodNotAllowed(`PATCH is not supported on ${info.resource}/${subresource}`);
      }
      if (type === 'application/apply-patch+yaml' && !first(q, 'fieldManager')) {
        throw errors.badRequest('PATCH, application/apply-patch+yaml requires fieldManager to be set');
      }
      ctx.manager = managerOf(req, q);
      ctx.force = first(q, 'force') === 'true';
      const out = await this.registry.patch(info, namespace, name, type, body, ctx, subresource);
      addWarnings();
      return send(reply, 200, out, format);
    }

    if (method === 'DELETE') {
      const opts = deleteOptions(q, body);
      if (opts.dryRun?.includes('All')) ctx.dryRun = true;
      if (!name) {
        const list = await this.registry.deleteCollection(info, namespace, {
          labelSelector: first(q, 'labelSelector'), fieldSelector: first(q, 'fieldSelector'),
        }, opts, ctx);
        return send(reply, 200, list, format);
      }
      if (subresource) throw errors.methodNotAllowed(`DELETE is not supported on ${info.resource}/${subresource}`);
      const res = await this.registry.delete(info, namespace, name, opts, ctx);
      if (!res.gone) return send(reply, 202, res.object, format);
      if (info.group === '' && (info.resource === 'pods' || info.resource === 'services' || info.resource === 'namespaces')) {
        return send(reply, 200, res.object, format);
      }
      return send(reply, 200, {
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
        details: { name, group: info.group || undefined, kind: info.resource, uid: res.object.metadata.uid },
      }, 'json');
    }
    throw errors.methodNotAllowed(`method ${method} is not supported`);
  }

  private watch(req: FastifyRequest, reply: FastifyReply, r: ResourceRequest, q: Query, format: ResponseFormat): void {
    const info = r.info;
    const fieldSelector = first(q, 'fieldSelector');
    const filter = compileFilter(info, { labelSelector: first(q, 'labelSelector'), fieldSelector });
    const timeoutSeconds = intParam(q, 'timeoutSeconds');
    const incl = includeObject(q);
    const render = format === 'table'
      ? (obj: KubeObject) => toTable(info, [obj], { includeObject: incl, resourceVersion: obj.metadata.resourceVersion })
      : (obj: KubeObject) => obj;
    reply.hijack();
    this.hub.serve({
      info, namespace: r.namespace, filter, resourceVersion: first(q, 'resourceVersion'),
      allowBookmarks: first(q, 'allowWatchBookmarks') === 'true', timeoutSeconds, render, plain: format !== 'table',
      sendInitialEvents: first(q, 'sendInitialEvents') === 'true', fieldSelector,
      omitManagedFields: first(q, 'omitManagedFields') === 'true',
    }, reply.raw);
  }
}

function includeObject(q: Query): 'None' | 'Metadata' | 'Object' {
  const v = first(q, 'includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function deleteOptions(q: Query, body: Buffer | undefined): DeleteOptions {
  let opts: DeleteOptions = {};
  if (body && body.length) {
    const parsed = parseJson(body);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw errors.badRequest('DeleteOptions must be an object');
    opts = parsed as DeleteOptions;
  }
  const grace = first(q, 'gracePeriodSeconds');
  if (grace !== undefined) opts.gracePeriodSeconds = Number(grace);
  const policy = first(q, 'propagationPolicy');
  if (policy) opts.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
    throw errors.badRequest(`propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  if (opts.gracePeriodSeconds !== undefined && (!Number.isInteger(opts.gracePeriodSeconds))) {
    throw errors.badRequest('gracePeriodSeconds must be an integer');
  }
  if (first(q, 'dryRun') === 'All') opts.dryRun = ['All'];
  return opts;
}

export function send(reply: FastifyReply, code: number, payload: unknown, format: ResponseFormat): FastifyReply {
  if (format === 'yaml') {
    return reply.code(code).header('content-type', 'application/yaml').send(toYaml(payload));
  }
  return reply.code(code).header('content-type', 'application/json').send(jsonText(payload));
}
