// Stats RPC: CPU and memory per running pod container (from Docker) and for the node.
import type Dockerode from 'dockerode';
import { readFile } from 'node:fs/promises';
import { cpus, freemem, totalmem } from 'node:os';
import type { ContainerStats, NodeStats, PodStats, StatsRequest, StatsResponse } from '../../api/kubelet-proto.js';
import type { Logger } from '../../client/logger.js';
import { errorFields } from '../../client/logger.js';
import {
  LABEL_CONTAINER_NAME, LABEL_NODE, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID, SANDBOX_CONTAINER_NAME,
} from '../labels.js';
import { containerCpu, nodeNanoCores, nodeWorkingSetBytes, parseProcStat, workingSetBytes, type DockerStatsSample, type ProcStatCpu } from './stats-math.js';

async function procStat(): Promise<ProcStatCpu | undefined> {
  return parseProcStat(await readFile('/proc/stat', 'utf8').catch(() => ''));
}

async function nodeMemory(): Promise<number> {
  const text = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  return text ? nodeWorkingSetBytes(text) : totalmem() - freemem();
}

const MIN_NODE_WINDOW_MS = 500;

export async function collectStats(docker: Dockerode, nodeName: string, logger: Logger, req: StatsRequest): Promise<StatsResponse> {
  const startedAt = Date.now();
  const before = await procStat();
  const label = [`${LABEL_NODE}=${nodeName}`];
  if (req.namespace) label.push(`${LABEL_POD_NAMESPACE}=${req.namespace}`);
  if (req.pod) label.push(`${LABEL_POD_NAME}=${req.pod}`);
  const running = req.nodeOnly ? [] : await docker.listContainers({ filters: JSON.stringify({ label, status: ['running'] }) });
  const pods = new Map<string, PodStats>();
  // Docker waits for a second sample to fill precpu_stats (≈1 s): ask for all at once
  await Promise.all(running.map(async (c) => {
    const labels = c.Labels ?? {};
    const name = labels[LABEL_CONTAINER_NAME];
    if (!name || name === SANDBOX_CONTAINER_NAME) return;
    const ns = labels[LABEL_POD_NAMESPACE] ?? '';
    const podName = labels[LABEL_POD_NAME] ?? '';
    const uid = labels[LABEL_POD_UID] ?? '';
    let sample: DockerStatsSample;
    try {
      sample = (await docker.getContainer(c.Id).stats({ stream: false })) as unknown as DockerStatsSample;
    } catch (err) {
      logger.debug({ ...errorFields(err), container: c.Id }, 'container stats failed');
      return;
    }
    const cpu = containerCpu(sample);
    const stats: ContainerStats = { name, usage: { cpuNanoCores: cpu.nanoCores, memoryWorkingSetBytes: workingSetBytes(sample.memory_stats) } };
    const key = `${ns}/${podName}/${uid}`;
    let pod = pods.get(key);
    if (!pod) {
      pod = { namespace: ns, name: podName, uid, containers: [], timestampMs: Date.parse(sample.read ?? '') || Date.now(), windowSeconds: cpu.windowSeconds };
      pods.set(key, pod);
    }
    pod.containers.push(stats);
    pod.windowSeconds = Math.max(pod.windowSeconds, cpu.windowSeconds);
  }));
  const elapsed = Date.now() - startedAt;
  if (elapsed < MIN_NODE_WINDOW_MS) await new Promise((r) => setTimeout(r, MIN_NODE_WINDOW_MS - elapsed));
  const after = await procStat();
  const node: NodeStats = {
    name: nodeName,
    usage: {
      cpuNanoCores: before && after ? nodeNanoCores(before, after, cpus().length || 1) : 0,
      memoryWorkingSetBytes: await nodeMemory(),
    },
    timestampMs: Date.now(),
    windowSeconds: (Date.now() - startedAt) / 1000,
  };
  for (const p of pods.values()) p.containers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { node, pods: [...pods.values()] };
}
