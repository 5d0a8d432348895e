// Runs the kernel tools (nft, iptables-restore, ip, sysctl) with input on stdin.
import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  input?: string;
  /** resolve with the exit code instead of throwing when it is not 0 */
  allowFailure?: boolean;
  timeoutMs?: number;
}

export class CommandError extends Error {
  constructor(readonly cmd: string, readonly result: CommandResult) {
    super(`${cmd} exited ${result.code}: ${firstLines(result.stderr || result.stdout, 5)}`);
  }
}

function firstLines(s: string, n: number): string {
  const lines = s.trim().split('\n');
  return lines.slice(0, n).join('\n') + (lines.length > n ? ` (+${lines.length - n} lines)` : '');
}

export function runCommand(cmd: string, args: string[], opts: CommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30 * 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${cmd}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const result = { code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
      if (result.code !== 0 && !opts.allowFailure) reject(new CommandError(`${cmd} ${args.join(' ')}`.trim(), result));
      else resolve(result);
    });
    // A tool that dies early closes stdin: that shows up as its exit code, not as EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}
