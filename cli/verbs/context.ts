// What every verb shares: kubectl's global flags (--kubeconfig, --context,
// -n/--namespace, ...), the RestClient they resolve to, and the action wrapper
// that turns any failure into kubectl's one-line error and exit code.
import { Command } from 'commander';
import { loadKubeconfig, type ClientConfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { CliError, exitCodeOf, formatError } from './errors.js';

export interface GlobalFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  server?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
  requestTimeout?: string;
}

/** kubectl's flags that every verb takes. They live on each verb so that
 * `kubelite get pods -n x` works and other commands keep their own --kubeconfig. */
export function addGlobalFlags(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <file>', 'path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('-n, --namespace <ns>', 'the namespace scope for this request')
    .option('-s, --server <url>', 'the address and port of the Kubernetes API server')
    .option('--token <token>', 'bearer token for authentication to the API server')
    .option('--insecure-skip-tls-verify', "don't check the server's certificate")
    .option('--request-timeout <d>', 'how long to wait for a single request (e.g. 1s, 2m; 0 waits forever)', '0');
}

/** `1s`, `2m`, `500ms`, `1h`, plain seconds; 0 for none. */
export function parseDuration(v: string, flag = 'timeout'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new CliError(`invalid argument "${v}" for "--${flag}" flag: time: invalid duration "${v}"`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000);
}

export class CliContext {
  private cfg?: ClientConfig;
  private rest?: RestClient;
  readonly flags: GlobalFlags;

  constructor(flags: GlobalFlags) {
    this.flags = flags;
  }

  get config(): ClientConfig {
    if (!this.cfg) this.cfg = resolveConfig(this.flags);
    return this.cfg;
  }

  get client(): RestClient {
    if (!this.rest) {
      const timeoutMs = parseDuration(this.flags.requestTimeout ?? '0', 'request-timeout');
      this.rest = new RestClient(this.config, { userAgent: 'kubelite-cli/0.1.0', timeoutMs: timeoutMs || undefined });
    }
    return this.rest;
  }

  /** -n, else the context's namespace, else `default`. */
  get namespace(): string {
    return this.flags.namespace || this.config.namespace || 'default';
  }

  get namespaceExplicit(): boolean {
    return !!this.flags.namespace;
  }

  close(): void {
    this.rest?.close();
  }
}

function resolveConfig(flags: GlobalFlags): ClientConfig {
  let cfg: ClientConfig | undefined;
  try {
    cfg = loadKubeconfig({ path: flags.kubeconfig, context: flags.context });
  } catch (e) {
    // with --server the kubeconfig is optional, as with kubectl
    if (!flags.server) {
      const missing = /context "(.*)" not found$/.exec((e as Error).message);
      throw new CliError(missing ? `context was not found for specified context: ${missing[1]}` : (e as Error).message);
    }
  }
  const out: ClientConfig = cfg ? { ...cfg } : { server: flags.server as string, namespace: 'default' };
  if (flags.server) out.server = flags.server;
  if (flags.token) {
    out.token = flags.token;
    delete out.cert;
    delete out.key;
  }
  if (flags.insecureSkipTlsVerify) out.insecureSkipTLSVerify = true;
  return out;
}

export type VerbAction = (ctx: CliContext, args: string[], opts: Record<string, unknown>, cmd: Command) => Promise<void>;

/**
 * Commander action for a verb: builds the context, runs the verb, prints a
 * failure the way kubectl does, and exits (streams and sockets must not keep
 * a finished command alive).
 */
export function verbAction(fn: VerbAction): (...a: unknown[]) => Promise<void> {
  return async (...a: unknown[]) => {
    const cmd = a[a.length - 1] as Command;
    const opts = mergedOptions(cmd);
    const ctx = new CliContext(opts as GlobalFlags);
    let code = 0;
    try {
      await fn(ctx, cmd.args, opts, cmd);
    } catch (e) {
      code = exitCodeOf(e);
      if (!(e instanceof Error && e.name === 'ExitCode')) {
        let server: string | undefined;
        try {
          server = ctx.config.server;
        } catch {
          server = undefined;
        }
        process.stderr.write(`${formatError(e, server)}\n`);
      }
    } finally {
      ctx.close();
    }
    await exitAfterFlush(code);
  };
}

/**
 * Options of a verb and its parent commands (`create -n x deployment ...` puts -n
 * on `create`): a value given on the command line wins over any default.
 */
export function mergedOptions(cmd: Command): Record<string, unknown> {
  const chain: Command[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) chain.unshift(c);
  const merged: Record<string, unknown> = {};
  for (const c of chain) {
    for (const [k, v] of Object.entries(c.opts())) {
      if (v === undefined) continue;
      if (merged[k] !== undefined && c.getOptionValueSource(k) === 'default') continue;
      merged[k] = v;
    }
  }
  return merged;
}

const VALUE_FLAGS = new Set(['-n', '--namespace', '--context', '--kubeconfig', '-s', '--server', '--token', '--request-timeout']);
const BOOL_FLAGS = new Set(['--insecure-skip-tls-verify']);

/** Verb names (and aliases) to their subcommands: where hoisted flags may go. */
export interface CommandTree {
  [name: string]: CommandTree;
}

export function commandTree(cmds: readonly Command[]): CommandTree {
  const tree: CommandTree = {};
  for (const c of cmds) {
    const sub = commandTree(c.commands);
    for (const n of [c.name(), ...c.aliases()]) tree[n] = sub;
  }
  return tree;
}

/**
 * kubectl takes its global flags before the verb too (`kubectl -n x get pods`).
 * Commander only knows them on the verb, so they are moved behind it (behind
 * its subcommand, for `rollout status` and the like).
 */
export function hoistGlobalFlags(argv: string[], verbs: CommandTree): string[] {
  const head = argv.slice(0, 2);
  const rest = argv.slice(2);
  const moved: string[] = [];
  let i = 0;
  while (i < rest.length) {
    const a = rest[i];
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (a.startsWith('--') && a.includes('=') && (VALUE_FLAGS.has(name) || BOOL_FLAGS.has(name))) {
      moved.push(a);
      i++;
    } else if (VALUE_FLAGS.has(a) && i + 1 < rest.length) {
      moved.push(a, rest[i + 1]);
      i += 2;
    } else if (BOOL_FLAGS.has(a)) {
      moved.push(a);
      i++;
    } else {
      break;
    }
  }
  if (moved.length === 0 || i >= rest.length || !Object.hasOwn(verbs, rest[i])) return argv;
  let node = verbs[rest[i]];
  let j = i + 1;
  while (j < rest.length && Object.hasOwn(node, rest[j])) node = node[rest[j++]];
  return [...head, ...rest.slice(i, j), ...moved, ...rest.slice(j)];
}

/** Waits for stdout/stderr to drain (pipes to slow readers), then exits. */
export async function exitAfterFlush(code: number): Promise<never> {
  await Promise.all([drain(process.stdout), drain(process.stderr)]);
  process.exit(code);
}

function drain(s: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (!s.writableNeedDrain) return resolve();
    s.once('drain', () => resolve());
    s.once('error', () => resolve());
  });
}

/** A verb command with kubectl's global flags and help on errors. */
export function newVerb(parent: Command, nameAndArgs: string, description: string): Command {
  const cmd = parent.command(nameAndArgs).description(description);
  addGlobalFlags(cmd);
  return cmd;
}

/** kubectl-style examples under --help. */
export function withExamples(cmd: Command, ...lines: string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`);
}

export function out(text: string): void {
  process.stdout.write(text);
}

export function err(text: string): void {
  process.stderr.write(text);
}
