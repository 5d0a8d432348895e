// POST /api/v1/nodes/{node}/proxy/images/load: a `docker save` tar in the request body,
// forwarded as it arrives to the node's kubelet (LoadImage, client-streaming gRPC).
// The body is never buffered: when gRPC flow control pushes back, the HTTP request is
// paused, so TCP slows the sender down. GET .../proxy/images/status tells which of
// some images the node has (ImageStatus), so a client can skip the save altogether.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientWritableStream, ServiceError } from '@grpc/grpc-js';
import type { IncomingMessage } from 'node:http';
import { ApiError, errors, statusOf } from '../../api/errors.js';
import type { ImageChunk, ImageRef, ImageStatusResponse, LoadImageResult, NodeImageLoadResult, NodeImageStatus } from '../../api/kubelet-proto.js';
import type { Node } from '../../api/types/core.js';
import { errorFields } from '../../client/logger.js';
import { NODES, type StreamsContext } from './context.js';
import { IMAGE_TAR_CONTENT_TYPE, isTarContentType, parseImageLoadQuery } from './image-load-query.js';
import { kubeletErrorToApiError, type KubeletStub } from './kubelet-client.js';
import { kubeletAddress, type KubeletAddress } from './pods.js';

const STATUS_TIMEOUT_MS = 30_000;

/** kubeletErrorToApiError words transport failures as a GET; the load is a POST. */
function loadError(err: unknown, addr: KubeletAddress): ApiError {
  const e = kubeletErrorToApiError(err, addr, '/images/load');
  const message = e.status.message?.replace(/^Get "/, 'Post "');
  return message === e.status.message ? e : new ApiError({ ...e.status, message });
}

/** Streams `body` into LoadImage; resolves with the kubelet's answer, which may come before the body ends. */
export function forwardImageTar(kubelet: Pick<KubeletStub, 'LoadImage'>, images: ImageRef[], body: IncomingMessage): Promise<LoadImageResult> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const detach = (): void => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('close', onClose);
      // whatever the client still sends is read and dropped, so the connection stays usable
      if (!body.complete) body.resume();
    };
    const call: ClientWritableStream<ImageChunk> = kubelet.LoadImage((err: ServiceError | null, res?: LoadImageResult) => {
      if (settled) return;
      settled = true;
      detach();
      if (err) reject(err);
      else resolve(res ?? { images: [], bytes: 0 });
    });
    // failures arrive through the callback
    call.on('error', () => {});
    const onData = (chunk: Buffer): void => {
      if (!call.write({ data: chunk })) {
        body.pause();
        call.once('drain', () => {
          if (!settled) body.resume();
        });
      }
    };
    const onEnd = (): void => {
      call.end();
    };
    const onClose = (): void => {
      // the client went away mid-upload: the kubelet must not load a truncated archive
      if (!body.complete && !settled) call.cancel();
    };
    call.write({ start: { images } });
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('close', onClose);
  });
}

export async function serveImageLoad(ctx: StreamsContext, nodeName: string, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (req.method !== 'POST') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  if (!isTarContentType(req.headers['content-type'])) {
    throw new ApiError(statusOf(415, 'UnsupportedMediaType', `the body must be a docker save archive (${IMAGE_TAR_CONTENT_TYPE}); got ${req.headers['content-type'] ?? 'none'}`));
  }
  const images = parseImageLoadQuery(new URL(req.url, 'https://x').searchParams);
  const node = ctx.registry.get(NODES, undefined, nodeName) as unknown as Node;
  const addr = kubeletAddress(node);
  const started = Date.now();
  let result: LoadImageResult;
  try {
    result = await forwardImageTar(ctx.kubelets.get(addr), images, req.raw);
  } catch (err) {
    ctx.logger.info({ ...errorFields(err), node: nodeName, images: images.map((i) => i.name) }, 'image load failed');
    throw loadError(err, addr);
  }
  ctx.logger.info({ node: nodeName, images: images.map((i) => i.name), bytes: result.bytes, ms: Date.now() - started }, 'image load finished');
  const body: NodeImageLoadResult = { kind: 'ImageLoadResult', apiVersion: 'v1', node: nodeName, images: result.images, bytes: result.bytes };
  void reply.code(200).header('content-type', 'application/json').send(JSON.stringify(body));
}

export async function serveImageStatus(ctx: StreamsContext, nodeName: string, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (req.method !== 'GET') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  const names = parseImageLoadQuery(new URL(req.url, 'https://x').searchParams).map((i) => i.name);
  const node = ctx.registry.get(NODES, undefined, nodeName) as unknown as Node;
  const addr = kubeletAddress(node);
  let res: ImageStatusResponse;
  try {
    res = await new Promise<ImageStatusResponse>((resolve, reject) => {
      ctx.kubelets.get(addr).ImageStatus({ names }, { deadline: Date.now() + STATUS_TIMEOUT_MS }, (err, r) => (err ? reject(err) : resolve(r ?? { images: [] })));
    });
  } catch (err) {
    throw kubeletErrorToApiError(err, addr, '/images/status');
  }
  const body: NodeImageStatus = { kind: 'ImageStatus', apiVersion: 'v1', node: nodeName, images: res.images };
  void reply.code(200).header('content-type', 'application/json').send(JSON.stringify(body));
}
