// URL paths and query strings as the Kubernetes API spells them.
import type { ResourceInfo } from '../api/resources.js';

export type QueryValue = string | number | boolean | string[] | undefined;
export type Query = Record<string, QueryValue>;

/** `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
export function groupVersionPath(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
}

/**
 * Path of a collection (no name) or an object, optionally a subresource of it.
 * A namespaced resource without a namespace addresses all namespaces, which is
 * only meaningful for list/watch, so naming an object then is an error.
 */
export function resourcePath(info: ResourceInfo, namespace?: string, name?: string, subresource?: string): string {
  let p = groupVersionPath(info);
  if (info.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  else if (info.namespaced && name !== undefined) {
    throw new Error(`${info.resource} "${name}": a namespace is required for a namespaced resource`);
  }
  p += `/${info.resource}`;
  if (name !== undefined) {
    if (name === '') throw new Error(`${info.resource}: resource name may not be empty`);
    p += `/${encodeURIComponent(name)}`;
  }
  if (subresource) p += `/${subresource}`;
  return p;
}

/** Repeats a key for array values (`command=sh&command=-c`); skips undefined. */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  let any = false;
  for (const k in query) if (query[k] !== undefined) any = true;
  if (!any) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, item);
    else params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}
