// `kubelite start`: runs this host's components from <data-dir>/host.json under a
// supervisor, in the foreground or detached (forked, logs in <data-dir>/logs).
// A second start while the supervisor runs is a no-op. Hosts set up with systemd
// units are started through systemctl instead.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { sleep } from '../up/readiness.js';
import { isAlive } from '../up/state.js';
import { logFile, readHostConfig, type HostConfig } from './host-config.js';
import { runningSupervisor, SUPERVISOR_ENTRY_NAME } from './supervisor-process.js';
import { superviseHost } from './supervise-host.js';
import { systemctl, unitNames } from './systemd.js';

export const HOST_SUPERVISOR_ENTRY = fileURLToPath(new URL(`./${SUPERVISOR_ENTRY_NAME}`, import.meta.url));

async function loadHost(dataDir: string): Promise<HostConfig> {
  const h = await readHostConfig(dataDir);
  if (!h) throw new Error(`${dataDir}/host.json is missing: this host was not set up with kubelite init or kubelite join (or give --data-dir)`);
  return h;
}

/** The supervisor process itself (foreground start, or the detached entry). */
export async function runHostSupervisor(dataDir: string, onStopped?: () => void): Promise<void> {
  const h = await loadHost(dataDir);
  const log = pino({ name: 'kubelite-start', base: { pid: process.pid } });
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection (kept running)'));
  const running = await superviseHost(h, log);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping the components');
    running.stop().then(() => {
      onStopped?.();
      process.exit(0);
    }, (e: unknown) => {
      log.error({ err: (e as Error).message }, 'stop failed');
      process.exit(1);
    });
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, stop);
}

export interface StartResult {
  alreadyRunning: boolean;
  pid?: number;
}

/** Forks the supervisor unless one runs for this data dir; returns once it is up. */
export async function startDetached(dataDir: string): Promise<StartResult> {
  await loadHost(dataDir);
  const existing = await runningSupervisor(dataDir);
  if (existing) return { alreadyRunning: true, pid: existing.pid };
  await mkdir(`${dataDir}/logs`, { recursive: true });
  const fd = openSync(logFile(dataDir, 'supervisor'), 'a');
  const child = spawn(process.execPath, [HOST_SUPERVISOR_ENTRY, '--data-dir', dataDir], { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.unref();
  const pid = child.pid!;
  // it writes supervisor.json right away; wait for that so a quick second start sees it
  const deadline = Date.now() + 10_000;
  for (;;) {
    const s = await runningSupervisor(dataDir);
    if (s?.pid === pid) return { alreadyRunning: false, pid };
    if (!isAlive(pid)) throw new Error(`the supervisor exited right away; see ${logFile(dataDir, 'supervisor')}`);
    if (Date.now() > deadline) throw new Error(`the supervisor (pid ${pid}) did not write ${dataDir}/supervisor.json within 10s; see ${logFile(dataDir, 'supervisor')}`);
    await sleep(50);
  }
}

export async function runStart(dataDir: string, opts: { detach: boolean }): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const h = await loadHost(dataDir);
  if (h.systemd) {
    const units = unitNames(h.components.map((c) => c.name));
    await systemctl(['start', ...units]);
    out(`Started ${units.join(' ')} (systemd).`);
    return;
  }
  const existing = await runningSupervisor(dataDir);
  if (existing) {
    out(`kubelite is already running on this host (supervisor pid ${existing.pid}, data in ${dataDir}).`);
    return;
  }
  if (opts.detach) {
    const r = await startDetached(dataDir);
    out(r.alreadyRunning
      ? `kubelite is already running on this host (supervisor pid ${r.pid}, data in ${dataDir}).`
      : `Started ${h.components.map((c) => c.name).join(', ')} of node ${h.nodeName} (supervisor pid ${r.pid}; logs in ${dataDir}/logs).`);
    return;
  }
  out(`Running ${h.components.map((c) => c.name).join(', ')} of node ${h.nodeName} (logs in ${dataDir}/logs); Ctrl-C stops them.`);
  await runHostSupervisor(dataDir, () => out('stopped'));
  setInterval(() => undefined, 1 << 30);
}
