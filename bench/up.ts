// `kubelite up` from cold: the time from starting `kubelite up --detach` to the
// node Ready and to a first pod Running (the pod is created the moment the
// apiserver accepts it), then the resident memory of the cluster's processes idle
// and with a Deployment of --pods pause pods Running. The cluster runs on a bridge
// of its own (like test/e2e/up.test.ts) and is purged at the end.
//   node dist/bench/up.js [--pods 100] [--settle 20]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Deployment, Node, Pod } from '../api/types/index.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest.js';
import { KUBELITE, sleep } from '../test/e2e/harness.js';
import { ensureImages } from '../test/e2e/kubelet-harness.js';
import { UpCluster } from '../test/e2e/up-harness.js';
import { requireProjectRuntime } from './lib/runtime.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const PODS = Number(args.get('pods') ?? 100);
const SETTLE_S = Number(args.get('settle') ?? 20);
const CONTROL_PLANE = ['apiserver', 'controller-manager', 'scheduler', 'dns'];
const NODE = ['kubelet', 'proxy'];

async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
}

async function memory(c: UpCluster): Promise<Map<string, number>> {
  const s = await c.supervisorState();
  if (!s) throw new Error('no supervisor.json');
  const out = new Map<string, number>();
  for (const [name, pid] of Object.entries(s.children)) out.set(name, await rssKiB(pid));
  out.set('supervisor', await rssKiB(s.pid));
  return out;
}

const mb = (kib: number) => `${(kib / 1024).toFixed(0)} MB`;
const sum = (m: Map<string, number>, names: string[]) => names.reduce((n, k) => n + (m.get(k) ?? 0), 0);

function printMemory(label: string, m: Map<string, number>): void {
  console.log(`${label}:`);
  console.log(`  control plane (${CONTROL_PLANE.join('+')}): ${mb(sum(m, CONTROL_PLANE))}   [${CONTROL_PLANE.map((n) => `${n} ${mb(m.get(n) ?? 0)}`).join(', ')}]`);
  console.log(`  node (${NODE.join('+')}): ${mb(sum(m, NODE))}   [${NODE.map((n) => `${n} ${mb(m.get(n) ?? 0)}`).join(', ')}]`);
  console.log(`  supervisor (kubelite up): ${mb(m.get('supervisor') ?? 0)}`);
}

const s = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);

async function main(): Promise<void> {
  requireProjectRuntime();
  console.log(`kubelite up: cold start and memory; ${new Date().toISOString()}; load average ${(await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ')}`);
  await ensureImages();
  const c = new UpCluster();
  await c.prepare();
  let client: RestClient | undefined;
  try {
    const upArgs = await c.upArgs(['--detach']);
    const t0 = performance.now();
    const up = spawn(process.execPath, [KUBELITE, ...upArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    let upOut = '';
    up.stdout.on('data', (d) => (upOut += d));
    up.stderr.on('data', (d) => (upOut += d));
    const upDone = new Promise<number>((resolve) => up.on('exit', (code) => resolve(code ?? -1)));
    let tUpReturned: number | undefined;
    void upDone.then(() => (tUpReturned = performance.now() - t0));

    let tApi: number | undefined;
    let tNode: number | undefined;
    let tPod: number | undefined;
    const deadline = Date.now() + 300_000;
    while ((tNode === undefined || tPod === undefined) && Date.now() < deadline) {
      if (!client && existsSync(c.adminKubeconfig)) client = new RestClient(loadKubeconfig({ path: c.adminKubeconfig }), { timeoutMs: 2000 });
      if (client && tApi === undefined) {
        const pod: Pod = {
          apiVersion: 'v1', kind: 'Pod', metadata: { name: 'first', namespace: 'default' },
          spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: 'kubelite.local/busybox:latest', command: ['sleep', '3600'] }] },
        };
        const created = await client.create(client.resource('v1', 'Pod'), 'default', pod).then(() => true, () => false);
        if (created) tApi = performance.now() - t0;
      }
      if (client && tNode === undefined) {
        const n = await client.get<Node>(client.resource('v1', 'Node'), undefined, c.nodeName).catch(() => undefined);
        if (n?.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) tNode = performance.now() - t0;
      }
      if (client && tApi !== undefined && tPod === undefined) {
        const p = await client.get<Pod>(client.resource('v1', 'Pod'), 'default', 'first').catch(() => undefined);
        if (p?.status?.phase === 'Running') tPod = performance.now() - t0;
      }
      if (up.exitCode !== null && up.exitCode !== 0) throw new Error(`kubelite up exited ${up.exitCode}:\n${upOut}`);
      await sleep(50);
    }
    const code = await upDone;
    if (code !== 0) throw new Error(`kubelite up exited ${code}:\n${upOut}`);
    console.log(`time from \`kubelite up --detach\` (process start):`);
    console.log(`  apiserver accepts a pod:  ${s(tApi)}`);
    console.log(`  node Ready:               ${s(tNode)}   (target < 10 s)`);
    console.log(`  first pod Running:        ${s(tPod)}`);
    console.log(`  \`up\` returned (DNS too):  ${s(tUpReturned)}`);

    await sleep(SETTLE_S * 1000);
    const idle = await memory(c);
    printMemory(`RSS idle (${SETTLE_S} s after up, 1 pod)`, idle);
    console.log(`  → control plane idle ${mb(sum(idle, CONTROL_PLANE))} (target < 300 MB)`);

    const deployments = client!.resource('apps/v1', 'Deployment');
    const dep: Deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bench', namespace: 'default' },
      spec: {
        replicas: PODS, selector: { matchLabels: { app: 'bench' } },
        template: { metadata: { labels: { app: 'bench' } }, spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'pause', image: 'kubelite.local/pause:3.9' }] } },
      },
    };
    const t1 = performance.now();
    await client!.create(deployments, 'default', dep);
    let running = 0;
    while (running < PODS) {
      const list = await client!.list<Pod>(client!.resource('v1', 'Pod'), 'default', { labelSelector: 'app=bench' }).catch(() => undefined);
      running = list?.items.filter((p) => p.status?.phase === 'Running').length ?? running;
      if (performance.now() - t1 > 900_000) throw new Error(`only ${running}/${PODS} Running after 15 min`);
      await sleep(500);
    }
    console.log(`${PODS} pods of a Deployment Running after ${s(performance.now() - t1)}`);
    await sleep(SETTLE_S * 1000);
    const loaded = await memory(c);
    printMemory(`RSS with ${PODS + 1} pods (${SETTLE_S} s after all Running)`, loaded);
  } finally {
    client?.close();
    const t = performance.now();
    await c.cleanup();
    console.log(`down --purge and cleanup: ${s(performance.now() - t)}`);
  }
}

await main();
