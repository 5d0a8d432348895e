// LoadImage RPC: a `docker save` tar streamed from the apiserver into this node's
// Docker (`docker load`), without a registry. The tar is never held in memory: gRPC
// messages are only pulled while Docker keeps up.
import type Dockerode from 'dockerode';
import type { sendUnaryData, ServerReadableStream } from '@grpc/grpc-js';
import { PassThrough, type Readable } from 'node:stream';
import type { ImageChunk, ImageRef, ImageStatusRequest, ImageStatusResponse, LoadImageResult, LoadImageStart } from '../../api/kubelet-proto.js';
import type { Logger } from '../../client/logger.js';
import { errorFields } from '../../client/logger.js';
import { isValidImageRef } from '../images.js';
import { invalid, toKubeletError } from './errors.js';
import { allPresent, confirmLoaded, parseDockerLoadOutput } from './image-load-result.js';

const MAX_OUTPUT_BYTES = 1024 * 1024;
/** Buffered between the gRPC stream and Docker's socket before gRPC reads are paused. */
const TAR_HIGH_WATER = 1024 * 1024;

async function imageIdOf(docker: Dockerode, name: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(name).inspect()).Id;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

async function idsOf(docker: Dockerode, refs: ImageRef[]): Promise<Map<string, string | undefined>> {
  const ids = await Promise.all(refs.map((r) => imageIdOf(docker, r.name)));
  return new Map(refs.map((r, i) => [r.name, ids[i]]));
}

async function readOutput(res: Readable): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of res) {
    const b = c as Buffer;
    size += b.length;
    if (size <= MAX_OUTPUT_BYTES) chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** ImageStatus RPC: the ID of each named image on this node, "" when Docker does not have it. */
export async function imageStatus(docker: Dockerode, req: ImageStatusRequest): Promise<ImageStatusResponse> {
  const names = req.names ?? [];
  if (names.length === 0) throw invalid('name at least one image');
  for (const n of names) if (!isValidImageRef(n)) throw invalid(`invalid image name "${n}"`);
  const ids = await idsOf(docker, names.map((name) => ({ name, id: '' })));
  return { images: names.map((name) => ({ name, id: ids.get(name) ?? '' })) };
}

export function validateStart(start: LoadImageStart | undefined): ImageRef[] {
  const refs = start?.images ?? [];
  if (refs.length === 0) throw invalid('name at least one image the archive holds');
  for (const r of refs) {
    if (!r.name || !isValidImageRef(r.name)) throw invalid(`invalid image name "${r.name}"`);
    if (r.id && !/^sha256:[0-9a-f]{64}$/.test(r.id)) throw invalid(`invalid image ID "${r.id}" for ${r.name}`);
  }
  return refs;
}

export function serveLoadImage(docker: Dockerode, logger: Logger, call: ServerReadableStream<ImageChunk, LoadImageResult>, callback: sendUnaryData<LoadImageResult>): void {
  const started = Date.now();
  const abort = new AbortController();
  let refs: ImageRef[] | undefined;
  let tar: PassThrough | undefined;
  let ended = false;
  let done = false;
  let bytes = 0;

  const finish = (err: unknown, res?: LoadImageResult): void => {
    if (done) return;
    done = true;
    if (err) {
      abort.abort();
      tar?.destroy();
      logger.warn({ ...errorFields(err), images: refs?.map((r) => r.name), bytes }, 'image load failed');
      callback(toKubeletError(err));
      return;
    }
    logger.info({ images: res?.images.map((i) => `${i.name}${i.alreadyPresent ? ' (present)' : ''}`), bytes, ms: Date.now() - started }, 'image load finished');
    callback(null, res);
  };

  const begin = async (start: LoadImageStart | undefined): Promise<void> => {
    const wanted = validateStart(start);
    refs = wanted;
    const before = await idsOf(docker, wanted);
    if (done) return;
    if (allPresent(wanted, before)) {
      finish(null, { images: wanted.map((w) => ({ name: w.name, id: w.id, alreadyPresent: true })), bytes: 0 });
      return;
    }
    const stream = new PassThrough({ highWaterMark: TAR_HIGH_WATER });
    tar = stream;
    const response = docker.loadImage(stream, { quiet: true, abortSignal: abort.signal }) as Promise<Readable>;
    // Only what Docker itself reports, checked against the IDs the sender had, is a success.
    response
      .then(readOutput)
      .then(async (text) => {
        const output = parseDockerLoadOutput(text);
        const after = output.error === undefined ? await idsOf(docker, wanted) : new Map<string, string | undefined>();
        finish(null, { images: confirmLoaded(wanted, output, after), bytes });
      })
      .catch(finish);
    if (ended) stream.end();
    else call.resume();
  };

  call.on('data', (msg: ImageChunk) => {
    if (done) return;
    if (refs === undefined) {
      if (msg.chunk !== 'start') return finish(invalid('the first message must name the images'));
      refs = [];
      // no tar bytes may pass before we know whether Docker needs them
      call.pause();
      begin(msg.start).catch(finish);
      return;
    }
    if (msg.chunk !== 'data' || !tar) return finish(invalid('only archive bytes may follow the first message'));
    bytes += msg.data.length;
    if (!tar.write(msg.data)) {
      call.pause();
      tar.once('drain', () => {
        if (!done) call.resume();
      });
    }
  });
  call.on('end', () => {
    ended = true;
    if (done) return;
    if (refs === undefined) finish(invalid('the stream ended before naming any image'));
    else tar?.end();
  });
  call.on('cancelled', () => {
    // grpc-js also reports the stream closing after our answer; only an early end matters
    if (done) return;
    // the caller went away: Docker must not be left waiting for the rest of the archive
    done = true;
    abort.abort();
    tar?.destroy();
    logger.info({ images: refs?.map((r) => r.name), bytes }, 'image load cancelled by the caller');
  });
  call.on('error', (err) => finish(err));
}
