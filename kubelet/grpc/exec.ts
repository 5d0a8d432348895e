// Exec RPC: `docker exec` with a hijacked connection. The first input names the
// container and command; later inputs carry stdin, terminal resizes and stdin close.
import type Dockerode from 'dockerode';
import { Metadata, type ServerDuplexStream } from '@grpc/grpc-js';
import type { Duplex } from 'node:stream';
import type { ExecInput, ExecOutput, ExecStart } from '../../api/kubelet-proto.js';
import type { Logger } from '../../client/logger.js';
import { errorFields } from '../../client/logger.js';
import { DockerDemuxer } from './docker-mux.js';
import { invalid, precondition, toKubeletError } from './errors.js';
import { findContainer } from './lookup.js';

type Call = ServerDuplexStream<ExecInput, ExecOutput>;

export function serveExec(docker: Dockerode, nodeName: string, logger: Logger, call: Call): void {
  let session: ExecSession | undefined;
  let failed = false;
  // inputs that arrive while the exec is still being created wait here, in order
  const early: ExecInput[] = [];
  const fail = (err: unknown) => {
    if (failed) return;
    failed = true;
    call.emit('error', toKubeletError(err));
  };
  let starting = false;
  let clientEnded = false;
  call.on('data', (msg: ExecInput) => {
    if (session) return session.input(msg);
    if (failed) return;
    if (starting) {
      early.push(msg);
      return;
    }
    if (msg.input !== 'start' || !('start' in msg)) return fail(invalid('the first Exec message must be start'));
    starting = true;
    ExecSession.create(docker, nodeName, logger, call, msg.start).then((s) => {
      session = s;
      if (gone) return s.abort();
      for (const m of early.splice(0)) s.input(m);
      if (clientEnded) s.stdinClose();
    }, fail);
  });
  call.on('end', () => {
    clientEnded = true;
    session?.stdinClose();
  });
  let gone = false;
  const abort = () => {
    gone = true;
    session?.abort();
  };
  call.on('cancelled', abort);
  call.on('error', abort);
}

class ExecSession {
  private stdinClosed = false;
  private done = false;

  private constructor(
    private readonly exec: Dockerode.Exec,
    private readonly stream: Duplex,
    private readonly start: ExecStart,
    private readonly call: Call,
    private readonly logger: Logger,
  ) {}

  static async create(docker: Dockerode, nodeName: string, logger: Logger, call: Call, start: ExecStart): Promise<ExecSession> {
    if (!start.namespace || !start.pod || !start.container) throw invalid('namespace, pod and container are required');
    if (!start.command.length) throw invalid('command is required');
    const found = await findContainer(docker, { nodeName, namespace: start.namespace, pod: start.pod, podUid: start.podUid }, start.container, false);
    if (found.state !== 'running') throw precondition(`container "${start.container}" in pod "${start.pod}" is not running`);
    const exec = await docker.getContainer(found.id).exec({
      Cmd: start.command, Tty: start.tty, AttachStdin: start.stdin, AttachStdout: start.stdout, AttachStderr: start.stderr,
    });
    const stream = (await exec.start({ hijack: true, stdin: start.stdin, Tty: start.tty })) as unknown as Duplex;
    const s = new ExecSession(exec, stream, start, call, logger);
    s.pump();
    call.sendMetadata(new Metadata());
    return s;
  }

  private pump(): void {
    const demux = new DockerDemuxer();
    const { stream, call } = this;
    stream.on('data', (chunk: Buffer) => {
      if (this.done) return;
      const parts = this.start.tty ? [{ stream: 'stdout' as const, data: chunk }] : demux.push(chunk);
      for (const p of parts) {
        const ok = p.stream === 'stderr' ? call.write({ stderr: p.data }) : call.write({ stdout: p.data });
        if (!ok) stream.pause();
      }
    });
    call.on('drain', () => stream.resume());
    stream.on('error', (err) => this.logger.debug({ ...errorFields(err) }, 'exec stream error'));
    // 'close' covers both a clean end and a reset; the exit code decides what happened
    stream.on('close', () => void this.finish());
  }

  private async finish(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      let info = await this.exec.inspect();
      // the stream can close a moment before Docker records the exit
      for (let i = 0; i < 50 && info.Running; i++) {
        await new Promise((r) => setTimeout(r, 20));
        info = await this.exec.inspect();
      }
      this.call.write({ exitCode: info.ExitCode ?? (info.Running ? -1 : 0) });
      this.call.end();
    } catch (err) {
      this.call.emit('error', toKubeletError(err));
    }
  }

  input(msg: ExecInput): void {
    if (this.done) return;
    if ('stdin' in msg && msg.input === 'stdin') {
      if (this.start.stdin && !this.stdinClosed) this.stream.write(msg.stdin);
    } else if ('resize' in msg && msg.input === 'resize') {
      if (!this.start.tty || !msg.resize.width || !msg.resize.height) return;
      this.exec.resize({ w: msg.resize.width, h: msg.resize.height }).catch((err: unknown) => {
        this.logger.debug({ ...errorFields(err) }, 'exec resize failed');
      });
    } else if (msg.input === 'stdinClose') {
      this.stdinClose();
    }
  }

  stdinClose(): void {
    if (this.stdinClosed || !this.start.stdin) return;
    this.stdinClosed = true;
    // Closing a TTY's input tears the terminal down under the process (its pending
    // output is lost); end-of-file on a terminal is ^D, which the line discipline
    // turns into EOF for a reader. Without a TTY, EOF is closing the pipe.
    if (this.start.tty) this.stream.write(Buffer.from([0x04]));
    else this.stream.end();
  }

  abort(): void {
    this.done = true;
    this.stream.destroy();
  }
}
