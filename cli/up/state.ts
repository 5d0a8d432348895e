// <data-dir>/supervisor.json: the running supervisor's pid and its children's,
// rewritten whenever a child (re)starts, removed when the supervisor exits. `down`
// signals the supervisor from it, and kills left-over children by pid when the
// supervisor itself is gone (after a SIGKILL or a crash).
import { readFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SupervisorState {
  pid: number;
  startedAt: string;
  clusterName: string;
  /** false until the apiserver answered and the others were started */
  started: boolean;
  children: Record<string, number | undefined>;
}

export const STATE_FILE = 'supervisor.json';

export async function writeState(dataDir: string, s: SupervisorState): Promise<void> {
  const path = join(dataDir, STATE_FILE);
  await writeFile(`${path}.tmp`, JSON.stringify(s) + '\n', { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

export async function readState(dataDir: string): Promise<SupervisorState | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, STATE_FILE), 'utf8')) as SupervisorState;
  } catch {
    return undefined;
  }
}

export async function removeState(dataDir: string): Promise<void> {
  await rm(join(dataDir, STATE_FILE), { force: true });
}

export function isAlive(pid: number | undefined): pid is number {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // a zombie still answers kill(0)
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Whether `pid` still is the process we recorded: its command line runs kubelite
 * (bin/kubelite or the components' entry point) and contains every `needles`
 * string. Guards against a recycled pid.
 */
export function isOurProcess(pid: number | undefined, needles: string[]): pid is number {
  if (!isAlive(pid)) return false;
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const joined = args.join(' ');
    return args.some((a) => a.endsWith('kubelite') || a.endsWith('component-main.js')) && needles.every((n) => joined.includes(n));
  } catch {
    return false;
  }
}
