// Reads shared by several verbs: server-printed Tables, plain objects and lists,
// and watches that ask for Tables.
import type { KubeList, KubeObject, WatchEvent } from '../../api/meta.js';
import type { ResourceInfo } from '../../api/resources.js';
import { resourcePath } from '../../client/paths.js';
import type { RestClient } from '../../client/rest.js';
import { decodeWatchEvents } from '../../client/watch.js';
import type { ServerTable } from './table.js';

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

export interface Selectors {
  labelSelector?: string;
  fieldSelector?: string;
}

/** namespace for a request: none for cluster-scoped kinds or `-A` lists. */
export function nsFor(info: ResourceInfo, ns: string | undefined): string | undefined {
  return info.namespaced ? ns : undefined;
}

export function getTable(client: RestClient, info: ResourceInfo, ns: string | undefined, name?: string, sel: Selectors = {}): Promise<ServerTable> {
  return client.request<ServerTable>({
    method: 'GET',
    path: resourcePath(info, nsFor(info, ns), name),
    accept: TABLE_ACCEPT,
    query: name === undefined
      ? { labelSelector: sel.labelSelector || undefined, fieldSelector: sel.fieldSelector || undefined, limit: 500 }
      : undefined,
  });
}

export async function listObjects<T extends KubeObject = KubeObject>(
  client: RestClient, info: ResourceInfo, ns: string | undefined, sel: Selectors = {},
): Promise<KubeList<T>> {
  // follow `continue` so large collections come back whole
  const first = await client.list<T>(info, nsFor(info, ns), { ...sel, limit: 500 });
  let cont = first.metadata?.continue;
  while (cont) {
    const next = await client.list<T>(info, nsFor(info, ns), { ...sel, limit: 500, continue: cont });
    first.items.push(...next.items);
    cont = next.metadata?.continue;
  }
  const kind = info.kind;
  first.items = first.items.map((it) => ({ ...it, apiVersion: it.apiVersion ?? (info.group ? `${info.group}/${info.version}` : info.version), kind: it.kind ?? kind }));
  return first;
}

export async function getObject<T extends KubeObject = KubeObject>(client: RestClient, info: ResourceInfo, ns: string | undefined, name: string): Promise<T> {
  const obj = await client.get<T>(info, nsFor(info, ns), name);
  return { ...obj, apiVersion: obj.apiVersion ?? (info.group ? `${info.group}/${info.version}` : info.version), kind: obj.kind ?? info.kind };
}

export interface WatchRequest extends Selectors {
  resourceVersion?: string;
  table?: boolean;
  signal?: AbortSignal;
}

/** A watch on a collection; with `table` the server sends one-row Tables. */
export async function* watchObjects(
  client: RestClient, info: ResourceInfo, ns: string | undefined, req: WatchRequest,
): AsyncGenerator<WatchEvent<KubeObject>> {
  const res = await client.stream({
    method: 'GET',
    path: resourcePath(info, nsFor(info, ns)),
    accept: req.table ? TABLE_ACCEPT : 'application/json',
    query: {
      watch: true,
      resourceVersion: req.resourceVersion || undefined,
      labelSelector: req.labelSelector || undefined,
      fieldSelector: req.fieldSelector || undefined,
    },
    signal: req.signal,
  });
  try {
    yield* decodeWatchEvents<KubeObject>(res);
  } catch (e) {
    if (req.signal?.aborted) return;
    throw e;
  } finally {
    res.destroy();
  }
}
