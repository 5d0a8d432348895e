// The flow in ARCHITECTURE.md with every real part: apiserver, controller-manager,
// scheduler and two kubelets running Docker containers, driven by the real kubectl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApiserver, startProcess, Kubectl, removeDir, waitFor, sleep, type Apiserver, type Proc } from './harness.js';
import { startKubelet, ensureImages, adminClient, nodeContainers, httpGet, type KubeletProc } from './kubelet-harness.js';
import type { RestClient } from '../../client/rest.js';
import { findResource } from '../../api/resources.js';
import type { Pod, Deployment } from '../../api/types/index.js';

const WEB = 'kubelite.local/web:latest';
const pods = findResource('', 'v1', 'pods')!;
const deployments = findResource('apps', 'v1', 'deployments')!;
const replicasets = findResource('apps', 'v1', 'replicasets')!;

let api: Apiserver;
let kubectl: Kubectl;
let client: RestClient;
let controllerManager: Proc;
let scheduler: Proc;
const kubelets: KubeletProc[] = [];

async function webPods(): Promise<Pod[]> {
  const list = await client.list<Pod>(pods, 'default', { labelSelector: 'app=web' });
  return list.items;
}

const runningReady = (p: Pod) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp &&
  (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

async function waitRunning(n: number, timeoutMs = 60_000): Promise<Pod[]> {
  return waitFor(`${n} web pods Running and Ready`, async () => {
    const all = await webPods();
    const ready = all.filter(runningReady);
    return ready.length === n && all.length === n ? ready : undefined;
  }, timeoutMs, 250);
}

async function dockerAppContainers(): Promise<number> {
  let n = 0;
  for (const k of kubelets) {
    const cs = await nodeContainers(k.nodeName);
    n += cs.filter((c) => c.State === 'running' && c.Labels['io.kubernetes.pod.name']?.startsWith('web-') && c.Labels['io.kubernetes.container.name'] === 'web').length;
  }
  return n;
}

before(async () => {
  await ensureImages();
  api = await startApiserver({ extraArgs: ['--default-toleration-seconds', '3'] });
  kubectl = await Kubectl.create(api.kubeconfig);
  client = adminClient(api);
  controllerManager = startProcess(['controller-manager', '--kubeconfig', api.kubeconfig,
    '--node-monitor-grace-period', '5s', '--node-monitor-period', '1s'], join(api.dataDir, 'controller-manager.log'));
  scheduler = startProcess(['scheduler', '--kubeconfig', api.kubeconfig], join(api.dataDir, 'scheduler.log'));
  // leases renewed every second, so a 5 s grace period tells a dead kubelet quickly
  const fastLease = { extraArgs: ['--node-lease-duration-seconds', '4'] };
  kubelets.push(await startKubelet(api, fastLease), await startKubelet(api, fastLease));
  await waitFor('two Ready nodes', async () => {
    const out = await kubectl.run(['get', 'nodes']);
    return (out.stdout.match(/\sReady\s/g) ?? []).length === 2;
  }, 30_000);
});

after(async () => {
  await scheduler?.kill();
  await controllerManager?.kill();
  for (const k of kubelets) {
    await k.stop().catch(() => {});
    await k.cleanup().catch(() => {});
  }
  await api?.stop();
  await kubectl?.cleanup();
  if (api) await removeDir(api.dataDir);
});

test('create deployment → 3 pods Running in Docker, answering on their pod IPs', async () => {
  await kubectl.ok(['create', 'deployment', 'web', `--image=${WEB}`, '--replicas=3', '--port=8001']);
  // short grace so scale-downs and rollouts don't wait 30 s per pod
  await kubectl.ok(['patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"terminationGracePeriodSeconds":2}}}}']);
  await kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=90s'], { timeoutMs: 100_000 });
  const ready = await waitRunning(3);
  assert.equal(await dockerAppContainers(), 3);
  for (const p of ready) {
    const r = await httpGet(`http://${p.status!.podIP}:8001/`);
    assert.equal(r.status, 200);
    assert.equal(r.body.trim(), p.metadata.name);
  }
  const out = await kubectl.ok(['get', 'deploy', 'web']);
  assert.match(out, /web\s+3\/3\s+3\s+3/);
});

test('scale to 5 and to 2; a deleted pod is replaced', async () => {
  await kubectl.ok(['scale', 'deployment', 'web', '--replicas=5']);
  await waitRunning(5);
  const nodesUsed = new Set((await webPods()).map((p) => p.spec!.nodeName));
  assert.equal(nodesUsed.size, 2, 'the scheduler spreads the replicas over both nodes');
  await kubectl.ok(['scale', 'deployment', 'web', '--replicas=2']);
  await waitRunning(2);
  const victim = (await webPods())[0].metadata.name!;
  await kubectl.ok(['delete', 'pod', victim]);
  const after = await waitRunning(2);
  assert.ok(!after.some((p) => p.metadata.name === victim));
  await waitFor('docker to match the API', async () => (await dockerAppContainers()) === 2, 30_000);
});

test('set image rolls out keeping ready pods ≥ replicas − maxUnavailable; history and undo', async () => {
  await kubectl.ok(['scale', 'deployment', 'web', '--replicas=4']);
  await waitRunning(4);
  // a second tag of the same image, so the rollout really replaces every pod
  await import('node:child_process').then(({ execFileSync }) => execFileSync('docker', ['tag', WEB, 'kubelite.local/web:v2']));
  let minReady = Infinity;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const ready = (await webPods()).filter(runningReady).length;
      minReady = Math.min(minReady, ready);
      await sleep(100);
    }
  })();
  await kubectl.ok(['set', 'image', 'deployment/web', 'web=kubelite.local/web:v2']);
  await kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=120s'], { timeoutMs: 130_000 });
  sampling = false;
  await sampler;
  assert.ok(minReady >= 3, `ready pods dropped to ${minReady} (replicas 4, maxUnavailable 25% = 1)`);
  const ps = await waitRunning(4);
  assert.ok(ps.every((p) => p.spec!.containers[0].image === 'kubelite.local/web:v2'));
  const history = await kubectl.ok(['rollout', 'history', 'deployment/web']);
  assert.match(history, /^1\s/m);
  assert.match(history, /^2\s/m);
  await kubectl.ok(['rollout', 'undo', 'deployment/web']);
  await kubectl.ok(['rollout', 'status', 'deployment/web', '--timeout=120s'], { timeoutMs: 130_000 });
  const d = await client.get<Deployment>(deployments, 'default', 'web');
  assert.equal(d.spec!.template.spec!.containers[0].image, WEB);
});

test('a pod requesting more cpu than any node has stays Pending with FailedScheduling', async () => {
  await kubectl.ok(['run', 'huge', `--image=${WEB}`, '--overrides', JSON.stringify({ spec: { containers: [{ name: 'huge', image: WEB, resources: { requests: { cpu: '500' } } }] } })]);
  await waitFor('FailedScheduling event', async () => {
    const out = await kubectl.run(['describe', 'pod', 'huge']);
    return /FailedScheduling.*0\/2 nodes are available: 2 Insufficient cpu/.test(out.stdout);
  }, 20_000);
  const p = await client.get<Pod>(pods, 'default', 'huge');
  assert.equal(p.status?.phase, 'Pending');
  await kubectl.ok(['delete', 'pod', 'huge', '--grace-period=0', '--force']);
});

test('a node that stops heartbeating turns NotReady and its pods come back on the other node', async () => {
  await kubectl.ok(['scale', 'deployment', 'web', '--replicas=4']);
  await waitRunning(4);
  const before = await webPods();
  const victim = kubelets.find((k) => before.some((p) => p.spec!.nodeName === k.nodeName))!;
  const survivor = kubelets.find((k) => k !== victim)!;
  await victim.stop('SIGKILL');
  await waitFor(`${victim.nodeName} NotReady`, async () => {
    const out = await kubectl.run(['get', 'node', victim.nodeName]);
    return /NotReady/.test(out.stdout);
  }, 20_000);
  // tolerationSeconds 3 (apiserver default here) + pod GC of terminating pods on the dead node.
  // The pods on the dead node still read Running and Ready until the node lifecycle
  // controller marks them, so wait for the placement itself, not only the count.
  await waitFor('4 web pods Running and Ready on the surviving node', async () => {
    const all = await webPods();
    return all.length === 4 && all.every((p) => runningReady(p) && p.spec!.nodeName === survivor.nodeName);
  }, 60_000, 250);
});

test('delete the deployment: ReplicaSets, pods and containers are gone', async () => {
  await kubectl.ok(['delete', 'deployment', 'web'], { timeoutMs: 60_000 });
  await waitFor('pods and replicasets gone', async () => {
    const p = await webPods();
    const rs = await client.list(replicasets, 'default', { labelSelector: 'app=web' });
    return p.length === 0 && rs.items.length === 0;
  }, 60_000);
  const survivor = kubelets.find((k) => k.proc.child.exitCode === null && k.proc.child.signalCode === null)!;
  await waitFor('containers gone', async () => {
    const cs = await nodeContainers(survivor.nodeName);
    return cs.filter((c) => c.Labels['io.kubernetes.pod.name']?.startsWith('web-') && c.State === 'running').length === 0;
  }, 30_000);
});
