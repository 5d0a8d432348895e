// Logs RPC: a container's output from Docker, demultiplexed unless it runs with a TTY.
import type Dockerode from 'dockerode';
import { Metadata, type ServerWritableStream } from '@grpc/grpc-js';
import type { Readable } from 'node:stream';
import type { LogChunk, LogRequest } from '../../api/kubelet-proto.js';
import type { Logger } from '../../client/logger.js';
import { errorFields } from '../../client/logger.js';
import { DockerDemuxer } from './docker-mux.js';
import { invalid, toKubeletError } from './errors.js';
import { findContainer } from './lookup.js';
import { ByteLimit, dockerLogOptions } from './log-options.js';

const CHUNK = 64 * 1024;

export async function serveLogs(docker: Dockerode, nodeName: string, logger: Logger, call: ServerWritableStream<LogRequest, LogChunk>): Promise<void> {
  const req = call.request;
  try {
    if (!req.pod || !req.namespace || !req.container) throw invalid('namespace, pod and container are required');
    const ref = { nodeName, namespace: req.namespace, pod: req.pod, podUid: req.podUid };
    const found = await findContainer(docker, ref, req.container, req.previous);
    const container = docker.getContainer(found.id);
    const tty = (await container.inspect()).Config?.Tty ?? false;
    const opts = dockerLogOptions(req, Date.now());
    const limit = new ByteLimit(req.limitBytes);
    const demux = new DockerDemuxer();
    let pause = (): void => {};
    const send = (chunk: Buffer): boolean => {
      const parts = tty ? [chunk] : demux.push(chunk).map((c) => c.data);
      for (const p of parts) {
        const out = limit.take(p);
        if (out.length && !call.write({ data: out })) pause();
      }
      return !limit.exhausted;
    };
    if (!opts.follow) {
      const buf = (await container.logs({ ...opts, follow: false })) as unknown as Buffer;
      call.sendMetadata(new Metadata());
      for (let i = 0; i < buf.length && send(buf.subarray(i, i + CHUNK)); i += CHUNK);
      call.end();
      return;
    }
    const stream = (await container.logs({ ...opts, follow: true })) as unknown as Readable;
    call.sendMetadata(new Metadata());
    // a slow reader (apiserver → kubectl) holds Docker back instead of buffering here
    pause = () => stream.pause();
    call.on('drain', () => stream.resume());
    const stop = () => stream.destroy();
    call.on('cancelled', stop);
    call.on('close', stop);
    stream.on('data', (chunk: Buffer) => {
      if (!send(chunk)) {
        stream.destroy();
        call.end();
      }
    });
    stream.on('end', () => call.end());
    stream.on('error', (err) => {
      logger.debug({ ...errorFields(err), pod: req.pod }, 'log stream failed');
      call.end();
    });
  } catch (err) {
    call.emit('error', toKubeletError(err));
  }
}
