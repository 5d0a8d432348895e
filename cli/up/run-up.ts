// `kubelite up`: prepares the machine and the cluster's credentials, starts the
// supervisor (in this process, or detached), and shows progress until the node is
// Ready and the cluster DNS answers.
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { writeComponentCredentials } from './certs.js';
import { clusterPaths } from './components.js';
import { readConfig, writeConfig, type ClusterConfig } from './config.js';
import { ensureDocker } from './docker.js';
import { entryNames, mergeIntoKubeconfig } from './kubeconfig-merge.js';
import { checkPortsFree } from './ports.js';
import { Progress } from './progress.js';
import { apiserverReadyz, dnsAnswers, getNode, nodeReadiness, waitUntil } from './readiness.js';
import { isAlive, isOurProcess, readState } from './state.js';
import { COMPONENT_ENTRY, superviseCluster, type RunningCluster } from './supervise.js';

export interface UpRunOptions {
  detach: boolean;
  /** how long to wait for each of apiserver, node and DNS */
  timeoutMs: number;
  /** the command that stops this cluster, for hints */
  downCommand: string;
}

const SUPERVISOR_LOG = 'supervisor.log';

function home(p: string): string {
  const h = process.env.HOME;
  return h && p.startsWith(`${h}/`) ? `~${p.slice(h.length)}` : p;
}

async function tail(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).map((l) => `    ${l}`).join('\n');
}

function stopOnSignals(stop: () => Promise<void>, say: (line: string) => void): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      say(`still stopping (${signal} again); components get SIGKILL after 15s`);
      return;
    }
    stopping = true;
    say('stopping the cluster…');
    stop().then(() => {
      say('stopped');
      process.exit(0);
    }, (e: unknown) => {
      say(`stop failed: ${(e as Error).message}`);
      process.exit(1);
    });
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, handler);
}

/** The detached supervisor (`up --supervise`): runs until SIGTERM (from `down`). */
export async function runSupervisorProcess(dataDir: string): Promise<void> {
  const cfg = await readConfig(dataDir);
  if (!cfg) throw new Error(`${dataDir}/cluster.json is missing: start clusters with kubelite up`);
  const log = pino({ name: 'kubelite-up', base: { pid: process.pid } });
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection (kept running)'));
  const running = await superviseCluster(cfg, log);
  stopOnSignals(() => running.stop(), (line) => log.info(line));
}

export async function runUp(cfg: ClusterConfig, opts: UpRunOptions, startedAt = Date.now()): Promise<void> {
  const progress = new Progress(process.stdout, startedAt);
  const paths = clusterPaths(cfg.dataDir);
  await mkdir(paths.logs, { recursive: true, mode: 0o755 });

  let running: RunningCluster | undefined;
  let supervisorPid: number;
  const existing = await readState(cfg.dataDir);
  if (existing && isOurProcess(existing.pid, [' up'])) {
    cfg = (await readConfig(cfg.dataDir)) ?? cfg;
    supervisorPid = existing.pid;
    progress.line(`kubelite cluster "${cfg.clusterName}" is already running (supervisor pid ${existing.pid}, data in ${home(cfg.dataDir)})`);
  } else {
    progress.line(`Starting kubelite cluster "${cfg.clusterName}": node ${cfg.nodeName} (${cfg.nodeIP}), data in ${home(cfg.dataDir)}`);
    const d = progress.step('Docker engine');
    try {
      d.done(`Docker engine ${await ensureDocker((line) => progress.line(`    ${line}`))}`);
    } catch (e) {
      d.fail();
      throw e;
    }
    const ports = progress.step('ports free');
    try {
      await checkPortsFree(cfg);
      ports.done();
    } catch (e) {
      ports.fail();
      throw e;
    }
    const c = progress.step('certificates and kubeconfigs');
    await writeComponentCredentials(cfg);
    await writeConfig(cfg);
    c.done();
    if (opts.detach) {
      const fd = openSync(join(paths.logs, SUPERVISOR_LOG), 'a');
      const child = spawn(process.execPath, [COMPONENT_ENTRY, 'up', '--supervise', '--data-dir', cfg.dataDir], { detached: true, stdio: ['ignore', fd, fd] });
      closeSync(fd);
      child.unref();
      supervisorPid = child.pid!;
    } else {
      const log: Logger = pino({ name: 'kubelite-up' }, pino.destination({ dest: join(paths.logs, SUPERVISOR_LOG), append: true, sync: true }));
      running = await superviseCluster(cfg, log, (line) => progress.line(`  ! ${line}`));
      const r = running;
      stopOnSignals(() => r.stop(), (line) => progress.line(line));
      supervisorPid = process.pid;
    }
  }

  const alive = () => {
    if (!isAlive(supervisorPid)) throw Object.assign(new Error(`the supervisor (pid ${supervisorPid}) exited; see ${join(paths.logs, SUPERVISOR_LOG)}`), { fatal: true });
  };
  const wait = async <T>(label: string, check: () => Promise<T | undefined>, doneLabel: (v: T) => string, log?: string): Promise<T> => {
    const s = progress.step(label);
    try {
      const v = await waitUntil(label, check, { timeoutMs: opts.timeoutMs, alive, everyMs: 100 });
      s.done(doneLabel(v));
      return v;
    } catch (e) {
      s.fail((e as Error).message.replace(`${label}: `, ''));
      if (log) progress.line(`  last lines of ${log}:\n${await tail(log)}`);
      if ((e as { fatal?: boolean }).fatal) progress.line(`  last lines of the supervisor log:\n${await tail(join(paths.logs, SUPERVISOR_LOG))}`);
      throw e;
    }
  };

  let client: RestClient | undefined;
  try {
    const ca = () => readFile(join(paths.pki, 'ca.crt'), 'utf8');
    const url = `https://127.0.0.1:${cfg.apiserverPort}`;
    await wait(`apiserver ${url}`, async () => ((await apiserverReadyz(cfg.apiserverPort, await ca(), 1000)) === 200 && existsSync(paths.adminKubeconfig) ? true : undefined),
      () => `apiserver ${url}`, join(paths.logs, 'apiserver.log'));
    if (cfg.kubeconfigPath) {
      await mergeIntoKubeconfig(cfg.kubeconfigPath, paths.adminKubeconfig, entryNames(cfg.names.context));
      progress.line(`  ✓ context "${cfg.names.context}" in ${home(cfg.kubeconfigPath)} (current)`);
    }
    client = new RestClient(loadKubeconfig({ path: paths.adminKubeconfig }), { timeoutMs: 3000 });
    const c = client;
    const nodeStep = `node ${cfg.nodeName} Ready`;
    await wait(nodeStep, async () => {
      const r = nodeReadiness(await getNode(c, cfg.nodeName));
      if (!r.ready) throw new Error(r.why);
      return true;
    }, () => nodeStep, join(paths.logs, 'kubelet.log'));
    const dnsStep = `cluster DNS ${cfg.dnsServiceIP}`;
    await wait(dnsStep, async () => dnsAnswers(cfg), (ip) => `cluster DNS ${cfg.dnsServiceIP} (kubernetes.default → ${ip})`, join(paths.logs, 'dns.log'));
  } catch (e) {
    client?.close();
    progress.close();
    if (running) {
      // foreground: keep the cluster up so the user can look; Ctrl-C stops it
      process.stderr.write(`error: ${(e as Error).message}\nThe cluster keeps running (logs in ${home(paths.logs)}); Ctrl-C stops it.\n`);
      setInterval(() => undefined, 1 << 30);
      return;
    }
    process.stderr.write(`error: ${(e as Error).message}\nLogs are in ${home(paths.logs)}; \`${opts.downCommand}\` stops the cluster.\n`);
    process.exit(1);
  }
  client.close();
  progress.close();
  const inDefaultKubeconfig = cfg.kubeconfigPath === join(homedir(), '.kube', 'config') && !process.env.KUBECONFIG;
  const kc = inDefaultKubeconfig ? 'kubectl get nodes    (or kubelite get nodes)' : `kubectl --kubeconfig ${home(cfg.kubeconfigPath ?? paths.adminKubeconfig)} get nodes`;
  process.stdout.write([
    '',
    `Cluster "${cfg.clusterName}" is ready (${((Date.now() - startedAt) / 1000).toFixed(1)}s).`,
    `  use it:   ${kc}`,
    `  admin:    ${home(paths.adminKubeconfig)}`,
    `  logs:     ${home(paths.logs)}/<component>.log`,
    running ? '  stop:     Ctrl-C' : `  stop:     ${opts.downCommand}    (--purge also removes its containers, rules and data)`,
    '',
  ].join('\n'));
  // foreground: the signal handlers end the process
  if (running) setInterval(() => undefined, 1 << 30);
}
