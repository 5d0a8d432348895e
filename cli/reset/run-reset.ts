// `kubelite reset`: undoes init/join on this host. Stops the systemd units or the
// `kubelite start` supervisor, then removes what the node put on the machine with
// cli/up's purge (containers, pod network, kubelet routes and chains, proxy
// rules, data dir). Every step runs even when an earlier one failed; a second
// reset finds nothing and says so.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import Dockerode from 'dockerode';
import { purgeCluster, purgeSteps } from '../up/purge.js';
import { readHostConfig } from '../start/host-config.js';
import { stopHostSupervisor } from '../start/supervisor-process.js';
import { ENV_FILE, removeUnits, UNIT_DIR } from '../start/systemd.js';

export function dockerClient(dockerHost: string): Dockerode {
  if (dockerHost.startsWith('tcp://') || dockerHost.startsWith('http://')) {
    const u = new URL(dockerHost.replace(/^tcp:/, 'http:'));
    return new Dockerode({ host: u.hostname, port: Number(u.port || 2375), protocol: 'http' });
  }
  return new Dockerode({ socketPath: dockerHost.replace(/^unix:\/\//, '') });
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function unitsInstalled(): boolean {
  return existsSync(ENV_FILE) || existsSync(`${UNIT_DIR}/kubelite-kubelet.service`) || existsSync(`${UNIT_DIR}/kubelite-apiserver.service`);
}

export async function runReset(dataDir: string, opts: { force: boolean }): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const host = await readHostConfig(dataDir).catch(() => undefined);
  const units = host?.systemd === true || (host === undefined && unitsInstalled());
  if (!host && !existsSync(dataDir) && !units) {
    out(`Nothing to reset: no kubelite node in ${dataDir}.`);
    return 0;
  }
  if (!opts.force) {
    if (!process.stdin.isTTY) throw new Error('reset removes this node\'s containers, rules and data: add --force to run it without a terminal');
    const what = host ? `node ${host.nodeName} (${host.role} of cluster "${host.clusterName}")` : `the data in ${dataDir}`;
    if (!(await confirm(`Reset ${what}: stop it and remove its containers, rules, units and ${dataDir}? [y/N] `))) {
      out('Aborted.');
      return 1;
    }
  }
  const { steps, step } = purgeSteps();
  if (units) {
    await step('systemd units', async () => {
      const removed = await removeUnits();
      return removed.length ? `stopped and removed ${removed.join(' ')}` : 'none installed';
    });
  }
  await step('supervisor and components', async () => {
    const r = await stopHostSupervisor(dataDir);
    if (!r.wasRunning) return 'not running';
    return r.killed.length ? `stopped; had to SIGKILL ${r.killed.join(', ')}` : 'stopped';
  });
  if (host) {
    steps.push(...(await purgeCluster({ ...host.cluster, kubeconfigPath: undefined }, dockerClient(host.dockerHost))));
  } else {
    steps.push({ what: `no ${dataDir}/host.json: containers, routes and rules of the node are unknown and left alone` });
    await step(`data dir ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
  }
  out(`Reset ${host ? `node ${host.nodeName} of cluster "${host.clusterName}"` : dataDir}:`);
  for (const s of steps) out(s.error ? `  ✗ ${s.what}: ${s.error}` : `  ✓ ${s.what}`);
  const failed = steps.some((s) => s.error);
  if (host?.role === 'worker' && !failed) out(`The Node object "${host.nodeName}" stays in the cluster: \`kubectl delete node ${host.nodeName}\` on the control plane removes it.`);
  return failed ? 1 : 0;
}
