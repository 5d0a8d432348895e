// The supervisor of one host's components (`kubelite start`): each component is a
// child process in its own process group, restarted with backoff when it dies
// (cli/up's Supervisor). On a control plane the apiserver starts first and the
// others once it answers. Pids go to <data-dir>/supervisor.json for reset.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { apiserverReadyz, sleep } from '../up/readiness.js';
import { removeState, writeState, type SupervisorState } from '../up/state.js';
import { DAEMON_NODE_FLAGS } from '../up/daemon-node-flags.js';
import { COMPONENT_ENTRY } from '../up/supervise.js';
import { Supervisor } from '../up/supervisor.js';
import { logFile, type HostComponent, type HostConfig } from './host-config.js';

function spawnComponent(dataDir: string, c: HostComponent, restarts: number): ChildProcess {
  const fd = openSync(logFile(dataDir, c.name), 'a');
  try {
    writeSync(fd, `---- kubelite start: ${new Date().toISOString()} starting ${c.name}${restarts ? ` (restart ${restarts})` : ''}: kubelite ${c.args.join(' ')}\n`);
    return spawn(process.execPath, [...DAEMON_NODE_FLAGS, COMPONENT_ENTRY, ...c.args], { detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
}

export interface RunningHost {
  started: Promise<void>;
  stop(): Promise<void>;
}

export async function superviseHost(h: HostConfig, log: Logger): Promise<RunningHost> {
  await mkdir(dirname(logFile(h.dataDir, 'x')), { recursive: true });
  const sup: Supervisor<HostComponent> = new Supervisor<HostComponent>({
    spawn: (c) => spawnComponent(h.dataDir, c, sup.restartCount(c.name)),
    stopLast: ['apiserver'],
    stopTimeoutMs: 15_000,
  });
  const state: SupervisorState = { pid: process.pid, startedAt: new Date().toISOString(), clusterName: h.clusterName, started: false, children: {} };
  let writing = Promise.resolve();
  const saveState = () => {
    state.children = sup.pids();
    writing = writing.then(() => writeState(h.dataDir, state)).catch((e: unknown) => log.error({ err: (e as Error).message }, 'cannot write supervisor.json'));
  };
  sup.on('started', (name, pid, restarts) => {
    log.info({ component: name, pid, restarts }, 'started');
    saveState();
  });
  sup.on('exited', (name, code, signal, uptimeMs) => {
    if (sup.isStopping) return log.info({ component: name, code, signal }, 'stopped');
    log.warn({ component: name, code, signal, uptimeMs, log: logFile(h.dataDir, name) }, 'component exited');
    saveState();
  });
  sup.on('restarting', (name, delayMs, restarts) => log.warn({ component: name, delayMs, restarts }, 'restarting'));
  sup.on('spawn-error', (name, err) => log.error({ component: name, err: err.message }, 'cannot start'));
  saveState();

  let stopping = false;
  const apiserver = h.components.find((c) => c.name === 'apiserver');
  if (apiserver) sup.start(apiserver);
  const started = (async () => {
    if (apiserver && h.apiserverPort) {
      // the others would only fail and back off until the apiserver answers
      const ca = await readFile(join(h.dataDir, 'pki', 'ca.crt'), 'utf8');
      while (!stopping && (await apiserverReadyz(h.apiserverPort, ca).catch(() => 0)) !== 200) await sleep(100);
    }
    if (stopping) return;
    for (const c of h.components) if (c !== apiserver) sup.start(c);
    state.started = true;
    saveState();
  })();
  return {
    started,
    async stop() {
      stopping = true;
      await sup.stop();
      await writing;
      await removeState(h.dataDir);
    },
  };
}
