// Finding and stopping a host's supervisor by its pidfile (<data-dir>/supervisor.json),
// with a guard against recycled pids: the process must still be a kubelite
// supervisor of this very data dir.
import { readFileSync } from 'node:fs';
import { sleep } from '../up/readiness.js';
import { isAlive, readState, removeState, type SupervisorState } from '../up/state.js';

export const SUPERVISOR_ENTRY_NAME = 'host-supervisor-main.js';

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** Whether `pid` (read from `dataDir`'s pidfile) still is a kubelite supervisor: the detached entry for this data dir, or a foreground `kubelite start`. */
export function isHostSupervisor(pid: number | undefined, dataDir: string): pid is number {
  if (!isAlive(pid)) return false;
  const args = cmdline(pid);
  if (args.some((a) => a.endsWith(SUPERVISOR_ENTRY_NAME))) return args.includes(dataDir);
  // a foreground `kubelite start` may have taken the default data dir, which its command line does not name
  return args.some((a) => a.endsWith('kubelite') || a.endsWith('main.js')) && args.includes('start');
}

/** Whether `pid` is a component we started for `dataDir` (its arguments name the data dir or its files). */
export function isHostComponent(pid: number | undefined, dataDir: string, name: string): pid is number {
  if (!isAlive(pid)) return false;
  const args = cmdline(pid);
  return args.some((a) => a.endsWith('component-main.js')) && args.includes(name) && args.some((a) => a === dataDir || a.startsWith(`${dataDir}/`));
}

export async function runningSupervisor(dataDir: string): Promise<SupervisorState | undefined> {
  const s = await readState(dataDir);
  return s && isHostSupervisor(s.pid, dataDir) ? s : undefined;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone already
  }
}

async function waitGone(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (check()) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * Stops the supervisor (which stops its components in order) and then any
 * component still alive by its recorded pid. Returns what had to be SIGKILLed.
 */
export async function stopHostSupervisor(dataDir: string, timeoutMs = 30_000): Promise<{ wasRunning: boolean; killed: string[] }> {
  const state = await readState(dataDir);
  if (!state) return { wasRunning: false, killed: [] };
  const killed: string[] = [];
  const wasRunning = isHostSupervisor(state.pid, dataDir);
  if (wasRunning) {
    signal(state.pid, 'SIGTERM');
    if (!(await waitGone(() => isHostSupervisor(state.pid, dataDir), timeoutMs))) {
      signal(state.pid, 'SIGKILL');
      killed.push(`supervisor (pid ${state.pid})`);
    }
  }
  const children = Object.entries(state.children).filter((e): e is [string, number] => typeof e[1] === 'number');
  const live = children.filter(([name, pid]) => isHostComponent(pid, dataDir, name));
  for (const [, pid] of live) signal(pid, 'SIGTERM');
  const allGone = () => !live.some(([name, pid]) => isHostComponent(pid, dataDir, name));
  if (!(await waitGone(() => !allGone(), 15_000))) {
    for (const [name, pid] of live) {
      if (isHostComponent(pid, dataDir, name)) {
        signal(pid, 'SIGKILL');
        killed.push(`${name} (pid ${pid})`);
      }
    }
    await waitGone(() => !allGone(), 5000);
  }
  await removeState(dataDir);
  return { wasRunning: wasRunning || live.length > 0, killed };
}
