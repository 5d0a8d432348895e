// End-to-end test plumbing: real kubelite processes on random loopback ports,
// the real kubectl with a fresh cache dir, temp dirs removed afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import https from 'node:https';
import { DAEMON_NODE_FLAGS } from '../../cli/up/daemon-node-flags.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const KUBELITE = join(REPO, 'bin', 'kubelite');
export const KUBECTL = '/usr/bin/kubectl';

/**
 * package.json's engines.node (">=26") and the major version it asks for: what
 * bin/kubelite compares the running Node.js with before it re-runs itself on the pinned one.
 */
export function requiredNode(): { range: string; major: number } {
  const range = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node ?? '';
  return { range, major: Number(/>=\s*(\d+)/.exec(range)?.[1] ?? 0) };
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `kubelite-${prefix}-`));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (e) {
      lastErr = e;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? `: ${(lastErr as Error).message}` : ''}`);
}

export interface Proc {
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `wrap` runs kubelite under another command, e.g. `['nsenter', '--net=/run/netns/x']` (which execs, so signals reach kubelite). */
export function startProcess(args: string[], logFile: string, env: NodeJS.ProcessEnv = {}, wrap: string[] = []): Proc {
  const fd = openSync(logFile, 'a');
  const argv = [...wrap, process.execPath, ...DAEMON_NODE_FLAGS, KUBELITE, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', fd, fd], env: { ...process.env, ...env } });
  closeSync(fd);
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return {
    child, logFile, exited,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

export interface Apiserver {
  dataDir: string;
  port: number;
  url: string;
  kubeconfig: string;
  proc: Proc;
  ca: string;
  restart(): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startApiserver(opts: { dataDir?: string; extraArgs?: string[] } = {}): Promise<Apiserver> {
  const dataDir = opts.dataDir ?? (await tempDir('apiserver'));
  const port = await freePort();
  const args = ['apiserver', '--data-dir', dataDir, '--bind-address', '127.0.0.1', '--secure-port', String(port),
    '--advertise-address', '127.0.0.1', ...(opts.extraArgs ?? [])];
  const api: Apiserver = {
    dataDir, port, url: `https://127.0.0.1:${port}`, kubeconfig: join(dataDir, 'admin.kubeconfig'), ca: '',
    proc: startProcess(args, join(dataDir, 'apiserver.log')),
    async restart() {
      api.proc = startProcess(args, join(dataDir, 'apiserver.log'));
      await waitReady(api);
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      await api.proc.kill(signal);
    },
  };
  // A server that never got ready must not outlive the test (nor keep its process alive).
  await waitReady(api).catch(async (e: unknown) => {
    await api.proc.kill('SIGKILL');
    if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    throw e;
  });
  api.ca = await readFile(join(dataDir, 'pki', 'ca.crt'), 'utf8');
  return api;
}

async function waitReady(api: Apiserver): Promise<void> {
  await waitFor('apiserver /readyz', async () => {
    if (api.proc.child.exitCode !== null) {
      throw new Error(`apiserver exited: ${await readFile(api.proc.logFile, 'utf8').catch(() => '')}`);
    }
    if (!existsSync(api.kubeconfig)) return false;
    const code = await new Promise<number>((res) => {
      const req = https.get({ host: '127.0.0.1', port: api.port, path: '/readyz', rejectUnauthorized: false, timeout: 1000 }, (r) => {
        r.resume();
        res(r.statusCode ?? 0);
      });
      req.on('error', () => res(0));
      req.on('timeout', () => req.destroy());
    });
    return code === 200;
  }, 60_000, 100);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', rej);
    child.on('close', (code) => {
      clearTimeout(t);
      res({ code: code ?? -1, stdout, stderr });
    });
    // a tool that exits without reading stdin must not take the test down with EPIPE
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Real kubectl against a kubeconfig, with a cache dir of its own. */
export class Kubectl {
  private constructor(readonly kubeconfig: string, readonly cacheDir: string) {}

  static async create(kubeconfig: string): Promise<Kubectl> {
    return new Kubectl(kubeconfig, await tempDir('kubectl-cache'));
  }

  run(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    return run(KUBECTL, ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, ...args], opts);
  }

  /** runs and fails with kubectl's own output when it exits non-zero */
  async ok(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r.stdout;
  }

  spawn(args: string[]): ChildProcess {
    return spawn(KUBECTL, ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  async cleanup(): Promise<void> {
    await rm(this.cacheDir, { recursive: true, force: true });
  }
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
