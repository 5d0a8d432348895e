// Maps a Kubernetes API URL onto a resource, namespace, name and subresource.
import type { ResourceInfo } from '../../api/resources.js';
import { findResource, servesGroupVersion } from '../../api/resources.js';

export type ApiPath =
  | { type: 'resource'; info: ResourceInfo; namespace?: string; name?: string; subresource?: string }
  | { type: 'core-root' }
  | { type: 'apis-root' }
  | { type: 'group'; group: string }
  | { type: 'group-version'; group: string; version: string }
  | { type: 'unknown-resource'; group: string; version: string; resource: string }
  | { type: 'not-found' };

/**
 * The non-empty segments of a path, percent-decoded; undefined when an escape is
 * malformed. Segments without '%' are already what decodeURIComponent would return,
 * so only the rare escaped ones pay for decoding.
 */
export function pathSegments(pathname: string): string[] | undefined {
  const out: string[] = [];
  for (const seg of pathname.split('/')) {
    if (seg === '') continue;
    if (!seg.includes('%')) {
      out.push(seg);
      continue;
    }
    try {
      out.push(decodeURIComponent(seg));
    } catch {
      return undefined;
    }
  }
  return out;
}

/** `pathname` without trailing slashes ('/' when nothing else is left). */
export function trimTrailingSlashes(pathname: string): string {
  let end = pathname.length;
  while (end > 0 && pathname.charCodeAt(end - 1) === 47 /* '/' */) end--;
  if (end === 0) return '/';
  return end === pathname.length ? pathname : pathname.slice(0, end);
}

/**
 * `segments` are pathSegments(pathname) when the caller already has them; without them
 * (or when they are undefined because of a bad escape) the path is decoded here, and a
 * bad escape throws URIError as it always has.
 */
export function parseApiPath(pathname: string, segments?: string[]): ApiPath {
  const parts = segments ?? pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { type: 'core-root' };
    group = '';
    version = parts[1];
    if (version !== 'v1') return { type: 'not-found' };
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { type: 'apis-root' };
    group = parts[1];
    if (parts.length === 2) return servesGroupVersion(group) ? { type: 'group', group } : { type: 'not-found' };
    version = parts[2];
    if (!servesGroupVersion(group, version)) return { type: 'not-found' };
    rest = parts.slice(3);
  } else {
    return { type: 'not-found' };
  }
  if (rest.length === 0) return { type: 'group-version', group, version };

  let namespace: string | undefined;
  // `namespaces/<ns>/<resource>...` addresses a namespaced resource; `namespaces/<name>` the Namespace itself
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (extra.length) return { type: 'not-found' };
  const info = findResource(group, version, resource);
  if (!info) return { type: 'unknown-resource', group, version, resource };
  if (namespace !== undefined && !info.namespaced) return { type: 'not-found' };
  return { type: 'resource', info, namespace, name, subresource };
}

const PLAIN_REQUEST_PATH = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)|%2e/i;

/**
 * The path of a request target as URL parsing gives it. Ordinary API paths are taken
 * as they are (URL would not change them), sparing a URL object per request; anything
 * URL might rewrite (dot segments, characters it escapes, absolute form) goes through URL.
 */
export function requestPathname(target: string): string {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  if (PLAIN_REQUEST_PATH.test(path) && !DOT_SEGMENT.test(path)) return path;
  return new URL(target, 'https://x').pathname;
}
