// PortForward RPC: one TCP connection to the pod IP and port, bytes both ways.
import type Dockerode from 'dockerode';
import { Metadata, type ServerDuplexStream } from '@grpc/grpc-js';
import { connect, type Socket } from 'node:net';
import type { PortForwardData } from '../../api/kubelet-proto.js';
import type { Logger } from '../../client/logger.js';
import { errorFields } from '../../client/logger.js';
import { invalid, precondition, toKubeletError } from './errors.js';
import { podIp } from './lookup.js';

type Call = ServerDuplexStream<PortForwardData, PortForwardData>;

export function servePortForward(docker: Dockerode, nodeName: string, logger: Logger, call: Call): void {
  let socket: Socket | undefined;
  let connected = false;
  let started = false;
  let finished = false;
  const queued: Buffer[] = [];
  let clientEnded = false;

  const fail = (err: unknown) => {
    if (finished) return;
    finished = true;
    socket?.destroy();
    call.emit('error', toKubeletError(err));
  };

  const open = async (first: PortForwardData) => {
    const port = first.port ?? 0;
    if (!first.namespace || !first.pod) throw invalid('namespace and pod are required');
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(`invalid port ${port}`);
    const ref = { nodeName, namespace: first.namespace, pod: first.pod, podUid: first.podUid };
    const ip = await podIp(docker, ref);
    if (finished) return;
    const s = connect({ host: ip, port });
    socket = s;
    s.setNoDelay(true);
    s.on('connect', () => {
      connected = true;
      call.sendMetadata(new Metadata());
      for (const b of queued.splice(0)) s.write(b);
      if (clientEnded) s.end();
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected) {
        const why = err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.message;
        return fail(precondition(`error forwarding port ${port} to pod ${first.namespace}/${first.pod}: dial tcp ${ip}:${port}: ${why}`));
      }
      logger.debug({ ...errorFields(err), pod: first.pod, port }, 'port-forward connection failed');
      if (!finished) {
        finished = true;
        call.end();
      }
    });
    s.on('data', (chunk: Buffer) => {
      if (!call.write({ data: chunk })) s.pause();
    });
    call.on('drain', () => s.resume());
    s.on('end', () => {
      if (finished) return;
      finished = true;
      call.end();
    });
  };

  call.on('data', (msg: PortForwardData) => {
    if (!started) {
      started = true;
      if (msg.data?.length) queued.push(msg.data);
      open(msg).catch(fail);
      return;
    }
    if (!msg.data?.length) return;
    if (socket && connected) {
      if (!socket.write(msg.data)) {
        call.pause();
        socket.once('drain', () => call.resume());
      }
    } else {
      queued.push(msg.data);
    }
  });
  call.on('end', () => {
    clientEnded = true;
    if (!started) return fail(invalid('PortForward needs a first message naming the pod and port'));
    if (socket && connected) socket.end();
  });
  const abort = () => {
    finished = true;
    socket?.destroy();
  };
  call.on('cancelled', abort);
  call.on('error', abort);
}
