// `down --purge`: removes what the cluster left on the machine once its processes
// are stopped: the node's containers and pod network, the kubelet's routes and
// chains, the proxy's tables/chains/bridge/route, the data dir, and its
// kubeconfig entries. Each step runs even when an earlier one failed.
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { kubeletCleanupArgs, proxyCleanupArgs } from './components.js';
import type { ClusterConfig } from './config.js';
import { entryNames, removeFromKubeconfig } from './kubeconfig-merge.js';
import { COMPONENT_ENTRY } from './supervise.js';

const execFileP = promisify(execFile);
const NODE_LABEL = 'io.kubelite.node';
const CONTAINER_NAME_LABEL = 'io.kubernetes.container.name';

async function removeContainers(docker: Dockerode, nodeName: string): Promise<number> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${NODE_LABEL}=${nodeName}`] } });
  const isSandbox = (c: Dockerode.ContainerInfo) => c.Labels[CONTAINER_NAME_LABEL] === 'POD';
  // containers sharing a sandbox's namespaces go first; a few at a time (Docker can
  // leave a phantom network endpoint when many of one namespace go at once)
  for (const group of [list.filter((c) => !isSandbox(c)), list.filter(isSandbox)]) {
    for (let i = 0; i < group.length; i += 8) {
      await Promise.all(group.slice(i, i + 8).map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch((e: { statusCode?: number }) => {
        if (e.statusCode !== 404) throw e;
      })));
    }
  }
  return list.length;
}

async function removeNetworks(docker: Dockerode, nodeName: string): Promise<number> {
  const nets = await docker.listNetworks({ filters: { label: [`${NODE_LABEL}=${nodeName}`] } });
  for (const n of nets) {
    for (let attempt = 0; ; attempt++) {
      const err = await docker.getNetwork(n.Id).remove().then(() => undefined, (e: { statusCode?: number }) => e);
      if (!err || err.statusCode === 404) break;
      if (attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  return nets.length;
}

async function runKubelite(args: string[]): Promise<void> {
  try {
    await execFileP(process.execPath, [COMPONENT_ENTRY, ...args], { timeout: 60_000 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`kubelite ${args.slice(0, 2).join(' ')}: ${(err.stderr || err.message).trim().split('\n').slice(-3).join(' ')}`);
  }
}

/** Mount points at or under `dir` (tmpfs emptyDirs, secrets), deepest first. */
export function mountsUnder(procMounts: string, dir: string): string[] {
  const unescape = (p: string) => p.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return procMounts.split('\n').map((l) => unescape(l.split(' ')[1] ?? ''))
    .filter((p) => p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`))
    .sort((a, b) => b.length - a.length);
}

export interface PurgeStep {
  what: string;
  error?: string;
}

/** Records each clean-up step's outcome and goes on after a failure: a purge does all it can. */
export function purgeSteps(): { steps: PurgeStep[]; step: (what: string, fn: () => Promise<string | void>) => Promise<void> } {
  const steps: PurgeStep[] = [];
  const step = async (what: string, fn: () => Promise<string | void>): Promise<void> => {
    try {
      const detail = await fn();
      steps.push({ what: detail ? `${what} (${detail})` : what });
    } catch (e) {
      steps.push({ what, error: (e as Error).message });
    }
  };
  return { steps, step };
}

export async function purgeCluster(cfg: ClusterConfig, docker = new Dockerode({ socketPath: '/var/run/docker.sock' })): Promise<PurgeStep[]> {
  const { steps, step } = purgeSteps();
  await step(`containers of node ${cfg.nodeName}`, async () => `${await removeContainers(docker, cfg.nodeName)} removed`);
  await step(`pod network of node ${cfg.nodeName}`, async () => `${await removeNetworks(docker, cfg.nodeName)} removed`);
  await step('kubelet routes and chains', () => runKubelite(kubeletCleanupArgs(cfg)));
  await step(`proxy rules (table ${cfg.names.nftTable}, chains ${cfg.names.chainPrefix}-*, bridge ${cfg.names.serviceBridge})`, () => runKubelite(proxyCleanupArgs(cfg)));
  await step(`data dir ${cfg.dataDir}`, async () => {
    for (const m of mountsUnder(await readFile('/proc/self/mounts', 'utf8').catch(() => ''), cfg.dataDir)) {
      await execFileP('umount', ['-l', m]).catch(() => undefined);
    }
    await rm(cfg.dataDir, { recursive: true, force: true });
  });
  if (cfg.kubeconfigPath) {
    const path = cfg.kubeconfigPath;
    await step(`context ${cfg.names.context} in ${path}`, async () => ((await removeFromKubeconfig(path, entryNames(cfg.names.context))) ? 'removed' : 'not there'));
  }
  return steps;
}
