// What a request asks to do, in the terms authorizers decide on: a port of
// Kubernetes' RequestInfoFactory. It reads only the URL and method, so every
// path (served resources, stream subresources, aggregated APIs, unknown ones)
// gets attributes before any handler runs.
import { pathSegments } from '../http/request-path.js';

export interface RequestAttributes {
  /** false for discovery, OpenAPI, /metrics, /version and other non-resource paths */
  isResourceRequest: boolean;
  /** the path as requested (non-resource requests are authorized on it) */
  path: string;
  /** get list watch create update patch delete deletecollection (non-resource: the lower-case method) */
  verb: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

/** Subresources that open a session: the action is "create" whatever the method (GET for WebSocket). */
const CONNECT_SUBRESOURCES = new Set(['exec', 'attach', 'portforward']);

const METHOD_VERBS: Record<string, string> = {
  GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete',
};

type Query = Record<string, string | string[] | undefined>;

function first(q: Query, key: string): string | undefined {
  const v = q[key];
  return Array.isArray(v) ? v[0] : v;
}

/** `metadata.name=x` (or `==`) as the only term of a field selector names the single object a list is about. */
function nameFromFieldSelector(sel: string | undefined): string {
  if (!sel) return '';
  const m = /^metadata\.name(?:==?)([^,=!]+)$/.exec(sel.trim());
  if (!m) return '';
  const name = m[1];
  return name === '.' || name === '..' || name.includes('/') || name.includes('%') ? '' : name;
}

/**
 * `segments` is pathSegments(pathname), passed by a caller that needs the decoded
 * segments too and so splits the path once.
 */
export function requestAttributes(
  method: string, pathname: string, query: Query = {}, segments: string[] | undefined = pathSegments(pathname),
): RequestAttributes {
  const nonResource: RequestAttributes = {
    isResourceRequest: false, path: pathname, verb: method.toLowerCase(),
    apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '',
  };
  // a malformed escape: no resource can be named, so it is authorized as a path
  if (!segments) return nonResource;
  let parts = segments;
  let group: string;
  let version: string;
  if (parts[0] === 'api') {
    if (parts.length < 3) return nonResource;
    group = '';
    version = parts[1];
    parts = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length < 4) return nonResource;
    group = parts[1];
    version = parts[2];
    parts = parts.slice(3);
  } else {
    return nonResource;
  }
  const attrs: RequestAttributes = {
    isResourceRequest: true, path: pathname, verb: METHOD_VERBS[method.toUpperCase()] ?? method.toLowerCase(),
    apiGroup: group, apiVersion: version, resource: '', subresource: '', namespace: '', name: '',
  };
  // `namespaces/<ns>/<resource>...` is inside a namespace; `namespaces/<ns>[/status|/finalize]` is the Namespace itself
  if (parts[0] === 'namespaces' && parts.length > 1) {
    attrs.namespace = parts[1];
    if (parts.length > 2 && parts[2] !== 'status' && parts[2] !== 'finalize') parts = parts.slice(2);
  }
  attrs.resource = parts[0] ?? '';
  attrs.name = parts[1] ?? '';
  attrs.subresource = parts[2] ?? '';

  if (!attrs.name && attrs.verb === 'get') {
    const watch = first(query, 'watch');
    attrs.verb = watch === 'true' || watch === '1' ? 'watch' : 'list';
    attrs.name = nameFromFieldSelector(first(query, 'fieldSelector'));
  }
  if (!attrs.name && attrs.verb === 'delete') attrs.verb = 'deletecollection';
  if (CONNECT_SUBRESOURCES.has(attrs.subresource) && attrs.resource === 'pods') attrs.verb = 'create';
  return attrs;
}
