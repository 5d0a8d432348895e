// Pod startup latency: time from POST /pods to the watch event that shows the pod
// Running, for pods on one real kubelet, beside the wall time of a plain
// `docker run -d` of the same image measured in the same run (interleaved, so
// both see the same machine state). Then the same for a burst of pods created
// at once next to a burst of concurrent `docker run -d`. Run twice: with the
// kubelet's own pod bridge (sandboxes on Docker's `none` network, plugged in by
// the kubelet: every node whose dockerd bridge is not the podCIDR), and with
// Docker's default bridge as the pod network (nodes whose dockerd runs with
// --bip <podCIDR>, like the compose node image).
//   node dist/bench/pod-startup.js [--pods 20] [--parallel-pod-starts 4] [--modes kubelet,default]
import { spawn } from 'node:child_process';
import Dockerode from 'dockerode';
import type { Pod } from '../api/types/index.js';
import type { RestClient } from '../client/rest.js';
import { watchStream } from '../client/watch.js';
import { startApiserver, removeDir, type Apiserver } from '../test/e2e/harness.js';
import { bridgeName } from '../kubelet/pod-net/link.js';
import { adminClient, BUSYBOX, ensureImages, podsInfo, removeNodeContainers, startKubelet } from '../test/e2e/kubelet-harness.js';
import { requireProjectRuntime } from './lib/runtime.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const PODS = Number(args.get('pods') ?? 20);
const PARALLEL = args.get('parallel-pod-starts');
const MODES = (args.get('modes') ?? 'kubelet,default').split(',');

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function dockerRun(nodeName: string, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn('docker', ['run', '-d', '--name', name, '--label', `io.kubelite.node=${nodeName}`, BUSYBOX, 'sleep', '3600'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`docker run: ${err}`))));
  });
}

/** Resolves per pod name when a watch event shows it Running. */
class RunningWatcher {
  private readonly waiters = new Map<string, (t: number) => void>();
  private readonly seen = new Map<string, number>();
  private readonly abort = new AbortController();

  constructor(client: RestClient, nodeName: string) {
    void (async () => {
      try {
        for await (const ev of watchStream<Pod>(client, podsInfo, 'default', { fieldSelector: `spec.nodeName=${nodeName}`, signal: this.abort.signal })) {
          const p = ev.object as Pod;
          if (p.status?.phase !== 'Running' || !p.metadata?.name || this.seen.has(p.metadata.name)) continue;
          const t = performance.now();
          this.seen.set(p.metadata.name, t);
          this.waiters.get(p.metadata.name)?.(t);
        }
      } catch (e) {
        if (!this.abort.signal.aborted) console.error('watch failed:', (e as Error).message);
      }
    })();
  }

  running(name: string): Promise<number> {
    const t = this.seen.get(name);
    if (t !== undefined) return Promise.resolve(t);
    return new Promise((resolve) => this.waiters.set(name, resolve));
  }

  stop(): void {
    this.abort.abort();
  }
}

function pod(name: string, nodeName: string): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { bench: 'pod-startup' } },
    spec: { nodeName, terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '3600'] }] },
  };
}

async function startPod(client: RestClient, watcher: RunningWatcher, name: string, nodeName: string): Promise<number> {
  const t0 = performance.now();
  await client.create(podsInfo, 'default', pod(name, nodeName));
  const t1 = await watcher.running(name);
  return t1 - t0;
}

function row(label: string, values: number[]): string {
  return `  ${label.padEnd(32)} p50 ${pct(values, 50).toFixed(0).padStart(5)} ms   p99 ${pct(values, 99).toFixed(0).padStart(5)} ms   max ${Math.max(...values).toFixed(0).padStart(5)} ms`;
}

async function measure(api: Apiserver, client: RestClient, mode: string): Promise<void> {
  let podCIDR: string | undefined;
  if (mode === 'default') {
    const bridge = await new Dockerode().getNetwork('bridge').inspect() as Dockerode.NetworkInspectInfo;
    podCIDR = bridge.IPAM?.Config?.[0]?.Subnet;
    if (!podCIDR) {
      console.log('default bridge has no subnet; skipping that mode');
      return;
    }
  }
  const extraArgs = PARALLEL ? ['--parallel-pod-starts', PARALLEL] : [];
  const kubelet = await startKubelet(api, { podCIDR, extraArgs });
  const node = kubelet.nodeName;
  const watcher = new RunningWatcher(client, node);
  try {
    // Warm up both paths (image layers, the kubelet's connections).
    await dockerRun(node, `${node}-warm`);
    await startPod(client, watcher, `${node}-warm`, node);

    const plain: number[] = [];
    const pods: number[] = [];
    for (let i = 0; i < PODS; i++) {
      plain.push(await dockerRun(node, `${node}-plain-${i}`));
      pods.push(await startPod(client, watcher, `${node}-seq-${i}`, node));
    }
    const burstPlain = await Promise.all(Array.from({ length: PODS }, (_, i) => dockerRun(node, `${node}-burst-${i}`)));
    const burstPods = await Promise.all(Array.from({ length: PODS }, (_, i) => startPod(client, watcher, `${node}-burst-${i}`, node)));

    const label = mode === 'default' ? `Docker's default bridge (${podCIDR})` : `the kubelet's bridge ${bridgeName(node)} (${kubelet.podCIDR})`;
    console.log(`pod network: ${label}`);
    console.log(row(`${PODS} pods one at a time`, pods));
    console.log(row(`${PODS} × docker run -d`, plain));
    console.log(`  ratio p50 pod / docker run: ${(pct(pods, 50) / pct(plain, 50)).toFixed(2)}x (target ≤ 1.5x); pod p99 ${pct(pods, 99) < 2000 ? '<' : '≥'} 2 s (target < 2 s)`);
    console.log(row(`burst of ${PODS} pods`, burstPods));
    console.log(row(`burst of ${PODS} docker run -d`, burstPlain));
    console.log(`  ratio p50 pod / docker run: ${(pct(burstPods, 50) / pct(burstPlain, 50)).toFixed(2)}x`);
  } finally {
    watcher.stop();
    await kubelet.stop();
    await removeNodeContainers(node);
    await kubelet.cleanup();
  }
}

async function main(): Promise<void> {
  requireProjectRuntime();
  await ensureImages();
  const api = await startApiserver();
  const client = adminClient(api);
  try {
    console.log(`pod startup, create → Running as seen by a watch; ${new Date().toISOString()}`);
    for (const mode of MODES) await measure(api, client, mode);
  } finally {
    client.close();
    await api.stop();
    await removeDir(api.dataDir);
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
