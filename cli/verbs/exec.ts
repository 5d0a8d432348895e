// `kubelite exec`: pods/exec over WebSocket (v5.channel.k8s.io): stdin on
// channel 0, output on 1 and 2, the final Status on 3, terminal size on 4; with
// -t the local terminal goes raw. The remote exit code becomes ours.
import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import type WebSocket from 'ws';
import type { Pod } from '../../api/types/index.js';
import { resourcePath } from '../../client/paths.js';
import { newVerb, verbAction, err, type CliContext } from './context.js';
import { CliError, ExitCode } from './errors.js';
import { containerFor, firstPodFor } from './pods-for.js';
import { parsePodish, resolveType } from './resources.js';
import { openWebSocket, toBuffer } from './ws.js';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

export interface ExecStatus {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: Array<{ reason?: string; message?: string }> };
}

/** What a final Status means for us: the exit code and what to print. */
export function exitFromStatus(s: ExecStatus): { code: number; message?: string } {
  if (s.status === 'Success') return { code: 0 };
  if (s.reason === 'NonZeroExitCode') {
    const c = s.details?.causes?.find((x) => x.reason === 'ExitCode');
    const code = Number(c?.message);
    if (Number.isInteger(code)) return { code, message: `command terminated with exit code ${code}` };
  }
  return { code: 1, message: `error: ${s.message ?? 'exec failed'}` };
}

export function resizeFrame(width: number, height: number): Buffer {
  return Buffer.concat([Buffer.from([RESIZE]), Buffer.from(JSON.stringify({ Width: width, Height: height }))]);
}

interface ExecFlags {
  container?: string;
  stdin?: boolean;
  tty?: boolean;
  quiet?: boolean;
}

async function runExec(ctx: CliContext, args: string[], f: ExecFlags): Promise<void> {
  const [target, ...command] = args;
  if (!target) throw new CliError('expected \'exec POD_NAME COMMAND [ARG1] [ARG2] ... [ARGN]\'.\nPOD_NAME and COMMAND are required arguments for the exec command');
  if (command.length === 0) throw new CliError('you must specify at least one command for the container');
  const ns = ctx.namespace;
  const { info, name } = parsePodish(target);
  const pod: Pod = await firstPodFor(ctx.client, info, ns, name);
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw new CliError(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  const container = containerFor(pod, f.container, f.quiet);

  let tty = !!f.tty;
  const stdinIsTty = !!process.stdin.isTTY;
  if (tty && !stdinIsTty) {
    if (!f.quiet) err('Unable to use a TTY - input is not a terminal or the right kind of file\n');
    tty = false;
  }
  const useStdin = !!f.stdin;
  const ws = await openWebSocket(ctx.config, resourcePath(resolveType('pods'), ns, pod.metadata.name, 'exec'), {
    command, container, stdin: useStdin || undefined, stdout: true, stderr: tty ? undefined : true, tty: tty || undefined,
  }, ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
  const v5 = ws.protocol === 'v5.channel.k8s.io';

  const restore: Array<() => void> = [];
  const cleanup = () => {
    for (const r of restore.splice(0)) r();
  };
  try {
    if (tty && useStdin && stdinIsTty) {
      process.stdin.setRawMode(true);
      // libuv's raw mode keeps output processing (\n → \r\n); the remote terminal
      // already did that, so turn it off like kubectl's raw mode does
      spawnSync('stty', ['-opost'], { stdio: ['inherit', 'ignore', 'ignore'] });
      // leaving raw mode restores the terminal as it was, opost included
      restore.push(() => process.stdin.setRawMode(false));
    }
    if (tty) {
      const size = () => {
        const cols = process.stdout.columns ?? (process.stdin as unknown as { columns?: number }).columns;
        const rows = process.stdout.rows ?? (process.stdin as unknown as { rows?: number }).rows;
        if (cols && rows && ws.readyState === ws.OPEN) ws.send(resizeFrame(cols, rows));
      };
      size();
      process.on('SIGWINCH', size);
      restore.push(() => process.off('SIGWINCH', size));
    }
    if (useStdin) pumpStdin(ws, v5, restore);
    const result = await session(ws);
    // the terminal is itself again before we say anything
    cleanup();
    if (result.message) err(`${result.message}\n`);
    if (result.code !== 0) throw new ExitCode(result.code);
  } finally {
    cleanup();
  }
}

function pumpStdin(ws: WebSocket, v5: boolean, restore: Array<() => void>): void {
  const onData = (chunk: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([STDIN]), chunk]));
  };
  const onEnd = () => {
    // v5 can say "no more input"; v4 cannot, the command then sees no EOF
    if (v5 && ws.readyState === ws.OPEN) ws.send(Buffer.from([CLOSE, STDIN]));
  };
  process.stdin.on('data', onData);
  process.stdin.on('end', onEnd);
  restore.push(() => {
    process.stdin.off('data', onData);
    process.stdin.off('end', onEnd);
    process.stdin.pause();
  });
}

/** Copies output until the connection ends; resolves to what the final Status said. */
function session(ws: WebSocket): Promise<{ code: number; message?: string }> {
  return new Promise((resolve, reject) => {
    let result: { code: number; message?: string } | undefined;
    const pending: Promise<void>[] = [];
    const write = (stream: NodeJS.WriteStream, data: Buffer) => {
      if (!stream.write(data)) pending.push(new Promise((r) => stream.once('drain', () => r())));
    };
    ws.on('message', (raw: WebSocket.RawData) => {
      const buf = toBuffer(raw);
      if (buf.length === 0) return;
      const data = buf.subarray(1);
      switch (buf[0]) {
        case STDOUT:
          write(process.stdout, data);
          break;
        case STDERR:
          write(process.stderr, data);
          break;
        case ERROR:
          try {
            result = exitFromStatus(JSON.parse(data.toString('utf8')) as ExecStatus);
          } catch {
            result = { code: 1, message: `error: ${data.toString('utf8')}` };
          }
          break;
        default:
          break;
      }
    });
    ws.on('error', (e) => reject(e));
    ws.on('close', async () => {
      await Promise.all(pending);
      resolve(result ?? { code: 0 });
    });
  });
}

export function registerExec(program: Command): void {
  newVerb(program, 'exec', 'Execute a command in a container')
    .argument('<target>', 'POD | TYPE/NAME')
    .argument('[command...]', 'the command and its arguments, after --')
    .option('-c, --container <name>', 'the container to run the command in')
    .option('-i, --stdin', 'pass stdin to the container')
    .option('-t, --tty', 'stdin is a TTY (raw terminal, window size follows)')
    .option('-q, --quiet', 'only print output from the remote session')
    .addHelpText('after', `
Examples:
  kubelite exec web-7d4b9c -- date
  kubelite exec -it web-7d4b9c -- sh
  echo hi | kubelite exec -i web-7d4b9c -- cat
  kubelite exec deploy/web -c sidecar -- env`)
    .action(verbAction(async (ctx, args, opts) => runExec(ctx, args, opts as ExecFlags)));
}
