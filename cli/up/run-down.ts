// `kubelite down`: stops the supervisor (which stops its components in order) and
// makes sure no component of the cluster is left; `--purge` then removes
// everything the cluster put on the machine.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig } from './config.js';
import { purgeCluster } from './purge.js';
import { sleep } from './readiness.js';
import { isOurProcess, readState, removeState, type SupervisorState } from './state.js';

async function waitGone(pids: number[], needles: (pid: number) => string[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = pids.filter((p) => isOurProcess(p, needles(p)));
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(100);
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone already
  }
}

/** Returns what was stopped, for the message. */
export async function stopCluster(dataDir: string, state: SupervisorState, timeoutMs: number): Promise<{ supervisor: boolean; components: number; killed: string[] }> {
  const killed: string[] = [];
  const supNeedles = [' up'];
  const supervisor = isOurProcess(state.pid, supNeedles);
  if (supervisor) {
    signal(state.pid, 'SIGTERM');
    if ((await waitGone([state.pid], () => supNeedles, timeoutMs)).length) {
      signal(state.pid, 'SIGKILL');
      killed.push(`supervisor (pid ${state.pid})`);
    }
  }
  // Whatever is left (the supervisor was killed, or did not finish): stop by pid.
  const children = Object.entries(state.children).filter((e): e is [string, number] => typeof e[1] === 'number');
  const needles = (name: string) => [name, dataDir];
  const byPid = new Map(children.map(([name, pid]) => [pid, name]));
  const live = children.filter(([name, pid]) => isOurProcess(pid, needles(name)));
  for (const [, pid] of live) signal(pid, 'SIGTERM');
  const stubborn = await waitGone(live.map(([, pid]) => pid), (pid) => needles(byPid.get(pid)!), 15_000);
  for (const pid of stubborn) {
    signal(pid, 'SIGKILL');
    killed.push(`${byPid.get(pid)} (pid ${pid})`);
  }
  await waitGone(stubborn, (pid) => needles(byPid.get(pid)!), 5000);
  await removeState(dataDir);
  return { supervisor, components: children.length, killed };
}

export async function runDown(dataDir: string, opts: { purge: boolean; timeoutMs: number }): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const cfg = await readConfig(dataDir);
  const state = await readState(dataDir);
  const name = cfg ? `"${cfg.clusterName}"` : `in ${dataDir}`;
  if (state) {
    const r = await stopCluster(dataDir, state, opts.timeoutMs);
    out(r.supervisor || r.killed.length ? `Stopped kubelite cluster ${name}.` : `kubelite cluster ${name} was not running (removed its stale supervisor.json).`);
    if (r.killed.length) out(`  had to SIGKILL: ${r.killed.join(', ')}`);
  } else {
    out(existsSync(dataDir) ? `kubelite cluster ${name} is not running.` : `No kubelite cluster in ${dataDir}.`);
  }
  if (!opts.purge) return 0;
  if (!cfg) {
    if (existsSync(join(dataDir, 'pki')) || existsSync(join(dataDir, 'db'))) {
      process.stderr.write(`error: ${join(dataDir, 'cluster.json')} is missing, so what the cluster created is unknown; remove ${dataDir} by hand\n`);
      return 1;
    }
    out('Nothing to purge.');
    return 0;
  }
  out(`Purging cluster "${cfg.clusterName}":`);
  const steps = await purgeCluster(cfg);
  for (const s of steps) out(s.error ? `  ✗ ${s.what}: ${s.error}` : `  ✓ ${s.what}`);
  return steps.some((s) => s.error) ? 1 : 0;
}
