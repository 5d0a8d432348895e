// GET .../pods/{name}/log: text/plain from the kubelet's Logs stream, chunked while following.
import type { FastifyReply } from 'fastify';
import type { ClientReadableStream } from '@grpc/grpc-js';
import type { LogChunk } from '../../api/kubelet-proto.js';
import { errorFields } from '../../client/logger.js';
import { checkLogsAvailable, resolveContainer } from './pods.js';
import { getPod, podTarget, type StreamsContext } from './context.js';
import { kubeletErrorToApiError } from './kubelet-client.js';
import { parseLogQuery } from './log-query.js';

const HEADERS_TIMEOUT_MS = 30_000;

/** Resolves once the kubelet has accepted the call (sent headers), rejects with its error otherwise. */
export function whenAccepted(call: Pick<ClientReadableStream<unknown>, 'once' | 'cancel'>, timeoutMs = HEADERS_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      call.cancel();
      reject(Object.assign(new Error('timed out waiting for the kubelet'), { code: 4, details: 'Deadline exceeded' }));
    }, timeoutMs);
    call.once('metadata', () => {
      clearTimeout(t);
      resolve();
    });
    call.once('error', (err: Error) => {
      clearTimeout(t);
      reject(err);
    });
  });
}

export async function serveLog(ctx: StreamsContext, namespace: string, name: string, url: URL, reply: FastifyReply): Promise<void> {
  const q = parseLogQuery(url.searchParams);
  const pod = getPod(ctx, namespace, name);
  const container = resolveContainer(pod, q.container);
  const target = podTarget(ctx, pod);
  checkLogsAvailable(pod, container, q.previous);
  const what = `/containerLogs/${namespace}/${name}/${container}`;
  const call: ClientReadableStream<LogChunk> = target.kubelet.Logs({
    namespace, pod: name, podUid: pod.metadata.uid ?? '', container, follow: q.follow, tailLines: q.tailLines,
    sinceSeconds: q.sinceSeconds, sinceTime: q.sinceTime, timestamps: q.timestamps, previous: q.previous, limitBytes: q.limitBytes,
  });
  // swallow late errors (e.g. our own cancel) once the response has started
  call.on('error', () => {});
  try {
    await whenAccepted(call);
  } catch (err) {
    throw kubeletErrorToApiError(err, target.addr, what);
  }
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    res.end();
  };
  call.on('data', (chunk: LogChunk) => {
    if (!res.write(chunk.data)) {
      call.pause();
      res.once('drain', () => call.resume());
    }
  });
  call.on('end', finish);
  call.on('error', (err) => {
    if (!finished) ctx.logger.debug({ ...errorFields(err), pod: name }, 'log stream ended with an error');
    finish();
  });
  res.on('close', () => {
    if (!finished) {
      finished = true;
      call.cancel();
    }
  });
}
