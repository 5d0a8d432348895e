// The supervising process of a cluster (the foreground `kubelite up`, or the
// detached one `--detach` starts): runs every component as a child process of its
// own process group (so a terminal's Ctrl-C reaches only the supervisor, which
// then stops them in order), restarts the ones that die, records pids for `down`.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { DAEMON_NODE_FLAGS } from './daemon-node-flags.js';
import { componentSpecs, CONTROL_PLANE_FIRST, clusterPaths, type ComponentSpec } from './components.js';
import type { ClusterConfig } from './config.js';
import { apiserverReadyz, sleep } from './readiness.js';
import { removeState, writeState, type SupervisorState } from './state.js';
import { Supervisor } from './supervisor.js';

/** What components run as: `kubelite <component>` without the kubectl-like verbs. */
export const COMPONENT_ENTRY = fileURLToPath(new URL('./component-main.js', import.meta.url));

export interface RunningCluster {
  supervisor: Supervisor<ComponentSpec>;
  /** resolves once every component was started */
  started: Promise<void>;
  stop(): Promise<void>;
}

function spawnComponent(spec: ComponentSpec, restarts: number): ChildProcess {
  const fd = openSync(spec.logFile, 'a');
  try {
    writeSync(fd, `---- kubelite up: ${new Date().toISOString()} starting ${spec.name}${restarts ? ` (restart ${restarts})` : ''}: kubelite ${spec.args.join(' ')}\n`);
    return spawn(process.execPath, [...DAEMON_NODE_FLAGS, COMPONENT_ENTRY, ...spec.args], { detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
}

export async function superviseCluster(cfg: ClusterConfig, log: Logger, report: (line: string) => void = () => undefined): Promise<RunningCluster> {
  const paths = clusterPaths(cfg.dataDir);
  await mkdir(paths.logs, { recursive: true });
  const specs = componentSpecs(cfg);
  const sup: Supervisor<ComponentSpec> = new Supervisor<ComponentSpec>({
    spawn: (spec): ChildProcess => spawnComponent(spec, sup.restartCount(spec.name)),
    stopLast: [CONTROL_PLANE_FIRST],
    stopTimeoutMs: 15_000,
  });
  const state: SupervisorState = { pid: process.pid, startedAt: new Date().toISOString(), clusterName: cfg.clusterName, started: false, children: {} };
  let writing = Promise.resolve();
  const saveState = () => {
    state.children = sup.pids();
    writing = writing.then(() => writeState(cfg.dataDir, state)).catch((e: unknown) => log.error({ err: (e as Error).message }, 'cannot write supervisor.json'));
  };
  sup.on('started', (name, pid, restarts) => {
    log.info({ component: name, pid, restarts }, 'started');
    saveState();
  });
  sup.on('exited', (name, code, signal, uptimeMs) => {
    if (sup.isStopping) {
      log.info({ component: name, code, signal }, 'stopped');
      return;
    }
    log.warn({ component: name, code, signal, uptimeMs, log: join(paths.logs, `${name}.log`) }, 'component exited');
    report(`${name} exited (${signal ?? `code ${code}`}) after ${(uptimeMs / 1000).toFixed(1)}s; see ${join(paths.logs, `${name}.log`)}`);
    saveState();
  });
  sup.on('restarting', (name, delayMs, restarts) => {
    log.warn({ component: name, delayMs, restarts }, 'restarting');
    report(`restarting ${name} in ${(delayMs / 1000).toFixed(0)}s (restart ${restarts})`);
  });
  sup.on('spawn-error', (name, err) => log.error({ component: name, err: err.message }, 'cannot start'));
  saveState();

  let stopping = false;
  const first = specs.find((s) => s.name === CONTROL_PLANE_FIRST)!;
  sup.start(first);
  const started = (async () => {
    // The others only start once the apiserver answers: they would fail and back
    // off otherwise, which makes the whole start slower.
    const ca = await readFile(join(paths.pki, 'ca.crt'), 'utf8');
    while (!stopping) {
      const code = await apiserverReadyz(cfg.apiserverPort, ca).catch(() => 0);
      if (code === 200) break;
      await sleep(50);
    }
    if (stopping) return;
    for (const s of specs) if (s !== first) sup.start(s);
    state.started = true;
    saveState();
  })();

  return {
    supervisor: sup,
    started,
    async stop() {
      stopping = true;
      await sup.stop();
      await writing;
      await removeState(cfg.dataDir);
    },
  };
}
