// Exec over WebSocket (v5/v4.channel.k8s.io): channel frames to and from the
// kubelet's Exec stream, ending with a Status on channel 3 and a normal close.
import type { WebSocket } from 'ws';
import type { ClientDuplexStream } from '@grpc/grpc-js';
import type { ExecInput, ExecOutput } from '../../api/kubelet-proto.js';
import { errorFields } from '../../client/logger.js';
import {
  ERROR, STDERR, STDIN, STDOUT, decodeClientFrame, encodeChannel, exitCodeStatus, failureStatus, successStatus, type ExecProtocol,
} from './channel.js';
import type { ExecQuery } from './exec-query.js';
import type { PodTarget, StreamsContext } from './context.js';
import { kubeletErrorToApiError } from './kubelet-client.js';

/** Output queued in the socket beyond which we stop reading from the kubelet. */
const HIGH_WATER = 1 << 20;

export function runExecSession(ctx: StreamsContext, ws: WebSocket, protocol: ExecProtocol, target: PodTarget, container: string, q: ExecQuery): void {
  const { pod } = target;
  const namespace = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  const call: ClientDuplexStream<ExecInput, ExecOutput> = target.kubelet.Exec();
  let done = false;

  const finish = (status: object) => {
    if (done) return;
    done = true;
    send(encodeChannel(ERROR, JSON.stringify(status)));
    ws.close(1000);
  };
  const send = (frame: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(frame, { binary: true }, () => {
      if (ws.bufferedAmount < HIGH_WATER && call.isPaused()) call.resume();
    });
    if (ws.bufferedAmount >= HIGH_WATER) call.pause();
  };

  call.write({
    start: {
      namespace, pod: name, podUid: pod.metadata.uid ?? '', container, command: q.command,
      tty: q.tty, stdin: q.stdin, stdout: q.stdout, stderr: q.stderr,
    },
  });
  call.on('data', (out: ExecOutput) => {
    if ('stdout' in out && out.output === 'stdout') {
      if (q.stdout) send(encodeChannel(STDOUT, out.stdout));
    } else if ('stderr' in out && out.output === 'stderr') {
      // in tty mode kubectl has no stderr stream: everything goes to stdout
      if (q.tty) send(encodeChannel(STDOUT, out.stderr));
      else if (q.stderr) send(encodeChannel(STDERR, out.stderr));
    } else if (out.output === 'exitCode') {
      finish(out.exitCode === 0 ? successStatus() : exitCodeStatus(q.command, out.exitCode));
    }
  });
  call.on('end', () => finish(failureStatus('the kubelet ended the exec stream without an exit code', 'InternalError')));
  call.on('error', (err) => {
    if (done) return;
    const status = kubeletErrorToApiError(err, target.addr, `/exec/${namespace}/${name}/${container}`).status;
    ctx.logger.debug({ ...errorFields(err), pod: name }, 'exec failed');
    finish(failureStatus(status.message ?? 'exec failed', status.reason));
  });

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (done || !isBinary) return;
    const f = decodeClientFrame(Buffer.isBuffer(data) ? data : Buffer.from(data), protocol);
    switch (f.type) {
      case 'stdin':
        if (q.stdin && f.data.length) call.write({ stdin: f.data });
        return;
      case 'resize':
        if (q.tty) call.write({ resize: { width: f.width, height: f.height } });
        return;
      case 'close':
        if (f.channel === STDIN) call.write({ stdinClose: true });
        return;
      case 'invalid':
        ctx.logger.debug({ pod: name, reason: f.reason }, 'ignored exec frame');
        return;
      default:
        return;
    }
  });
  ws.on('close', () => {
    if (!done) {
      done = true;
      call.cancel();
    } else {
      call.end();
    }
  });
  ws.on('error', (err) => ctx.logger.debug({ ...errorFields(err), pod: name }, 'exec websocket error'));
}
