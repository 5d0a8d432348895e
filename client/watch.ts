// Watch streams: the chunked, newline-delimited JSON body of `?watch=true`
// turned into an async iterable of WatchEvents.
import { StringDecoder } from 'node:string_decoder';
import type { KubeObject, Status, WatchEvent } from '../api/meta.js';
import type { ResourceInfo } from '../api/resources.js';
import { ApiError, statusOf } from '../api/errors.js';
import { resourcePath } from './paths.js';
import type { RestClient } from './rest.js';

export interface WatchOptions {
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: boolean;
  /** kubelite's apiserver leaves metadata.managedFields out of the events (others ignore the parameter) */
  omitManagedFields?: boolean;
  /** server closes the stream after this long */
  timeoutSeconds?: number;
  /** aborting ends the iteration quietly */
  signal?: AbortSignal;
  /** bounds the wait for the response headers */
  timeoutMs?: number;
}

/**
 * Splits a byte stream into JSON documents, one per line. Chunk boundaries may
 * fall anywhere, including inside a multi-byte character.
 */
export class WatchLineDecoder {
  private readonly utf8 = new StringDecoder('utf8');
  private pending = '';

  /** Feeds one chunk; returns the documents it completed. */
  push(chunk: Buffer | string): unknown[] {
    this.pending += typeof chunk === 'string' ? chunk : this.utf8.write(chunk);
    const out: unknown[] = [];
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      if (line.trim() !== '') out.push(parseLine(line));
    }
    return out;
  }

  /**
   * Ends the stream. A complete document without a trailing newline is returned;
   * a truncated one (connection cut mid-event) is dropped, since watchers resume
   * from the last resourceVersion they saw anyway.
   */
  end(): unknown[] {
    const rest = (this.pending + this.utf8.end()).trim();
    this.pending = '';
    if (rest === '') return [];
    try {
      return [JSON.parse(rest)];
    } catch {
      return [];
    }
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`watch: invalid JSON in event stream: ${line.slice(0, 120)}`);
  }
}

/** Checks an event's shape and turns ERROR events into thrown ApiErrors. */
export function toWatchEvent<T extends KubeObject>(doc: unknown): WatchEvent<T> {
  if (typeof doc !== 'object' || doc === null) throw new Error('watch: event is not an object');
  const { type, object } = doc as { type?: unknown; object?: unknown };
  if (type === 'ERROR') {
    const status = object as Partial<Status> | undefined;
    if (status && status.kind === 'Status') {
      throw new ApiError({ ...(status as Status), metadata: status.metadata ?? {}, code: status.code ?? 500 });
    }
    throw new ApiError(statusOf(500, 'InternalError', 'watch: ERROR event without a Status'));
  }
  if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED' && type !== 'BOOKMARK') {
    throw new Error(`watch: unknown event type ${JSON.stringify(type)}`);
  }
  if (typeof object !== 'object' || object === null) throw new Error(`watch: ${type} event without an object`);
  return { type, object: object as T };
}

/** Events from any chunk source; ERROR events are thrown as ApiError (410 Expired → relist). */
export async function* decodeWatchEvents<T extends KubeObject = KubeObject>(
  chunks: AsyncIterable<Buffer | string>,
): AsyncGenerator<WatchEvent<T>> {
  const decoder = new WatchLineDecoder();
  for await (const chunk of chunks) {
    for (const doc of decoder.push(chunk)) yield toWatchEvent<T>(doc);
  }
  for (const doc of decoder.end()) yield toWatchEvent<T>(doc);
}

/**
 * Watches a collection. Iteration ends when the server closes the stream or the
 * signal aborts; an ERROR event (e.g. 410 Expired) or a broken connection throws.
 * Breaking out of the loop closes the connection.
 */
export async function* watchStream<T extends KubeObject = KubeObject>(
  client: RestClient,
  info: ResourceInfo,
  ns: string | undefined,
  opts: WatchOptions = {},
): AsyncGenerator<WatchEvent<T>> {
  const { signal } = opts;
  if (signal?.aborted) return;
  let res;
  try {
    res = await client.stream({
      method: 'GET',
      path: resourcePath(info, ns),
      query: {
        watch: true,
        resourceVersion: opts.resourceVersion || undefined,
        labelSelector: opts.labelSelector || undefined,
        fieldSelector: opts.fieldSelector || undefined,
        allowWatchBookmarks: opts.allowWatchBookmarks || undefined,
        timeoutSeconds: opts.timeoutSeconds,
        omitManagedFields: opts.omitManagedFields || undefined,
      },
      signal,
      timeoutMs: opts.timeoutMs,
    });
  } catch (e) {
    if (signal?.aborted) return;
    throw e;
  }
  try {
    yield* decodeWatchEvents<T>(res);
  } catch (e) {
    if (signal?.aborted) return;
    throw e;
  } finally {
    res.destroy();
  }
}
