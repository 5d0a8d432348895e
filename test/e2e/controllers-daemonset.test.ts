// The DaemonSet controller with every real part: apiserver, controller-manager,
// scheduler (which binds the daemon pods through their metadata.name node
// affinity) and kubelets running Docker, driven by the real kubectl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startApiserver, startProcess, Kubectl, removeDir, sleep, waitFor, type Apiserver, type Proc } from './harness.js';
import { adminClient, BUSYBOX, ensureImages, isRunningReady, startKubelet, type KubeletProc } from './kubelet-harness.js';
import type { RestClient } from '../../client/rest.js';
import { findResource } from '../../api/resources.js';
import type { ControllerRevision, DaemonSet, Pod } from '../../api/types/index.js';

const podsInfo = findResource('', 'v1', 'pods')!;
const daemonSetsInfo = findResource('apps', 'v1', 'daemonsets')!;
const revisionsInfo = findResource('apps', 'v1', 'controllerrevisions')!;

let api: Apiserver;
let kubectl: Kubectl;
let client: RestClient;
let controllerManager: Proc;
let scheduler: Proc;
const kubelets: KubeletProc[] = [];

const MANIFEST = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: {
      metadata: { labels: { app: 'agent' } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'agent', image: BUSYBOX, command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.5; done'] }],
      },
    },
  },
};

async function agentPods(): Promise<Pod[]> {
  return (await client.list<Pod>(podsInfo, 'default', { labelSelector: 'app=agent' })).items;
}

/** One Running+Ready pod on each of `nodes` and no other pods (terminating ones included). */
async function waitOnePodPerNode(nodes: string[], timeoutMs = 120_000): Promise<Pod[]> {
  const want = [...nodes].sort();
  return waitFor(`one ready agent pod on each of ${want.join(', ')}`, async () => {
    const pods = await agentPods();
    const on = pods.map((p) => p.spec.nodeName ?? '').sort();
    return pods.every(isRunningReady) && JSON.stringify(on) === JSON.stringify(want) ? pods : undefined;
  }, timeoutMs, 250);
}

async function dsStatus(): Promise<NonNullable<DaemonSet['status']>> {
  return (await client.get<DaemonSet>(daemonSetsInfo, 'default', 'agent')).status!;
}

before(async () => {
  await ensureImages();
  api = await startApiserver();
  kubectl = await Kubectl.create(api.kubeconfig);
  client = adminClient(api);
  // only what these tests need: the node lifecycle controller turns a cordon into the unschedulable taint
  controllerManager = startProcess(['controller-manager', '--kubeconfig', api.kubeconfig,
    '--controllers', 'daemonset,nodelifecycle,podgc,garbagecollector'], join(api.dataDir, 'controller-manager.log'));
  scheduler = startProcess(['scheduler', '--kubeconfig', api.kubeconfig], join(api.dataDir, 'scheduler.log'));
  kubelets.push(await startKubelet(api), await startKubelet(api));
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
  client?.close();
  if (api) await removeDir(api.dataDir);
});

test('a DaemonSet runs one pod per node, pinned by node affinity and bound by the scheduler', async () => {
  await kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify(MANIFEST) });
  const pods = await waitOnePodPerNode(kubelets.map((k) => k.nodeName));
  for (const p of pods) {
    const terms = p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    assert.deepEqual(terms, [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.spec.nodeName] }] }]);
    const tolerated = (p.spec.tolerations ?? []).map((t) => `${t.key}:${t.effect}`);
    for (const t of ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unschedulable:NoSchedule',
      'node.kubernetes.io/disk-pressure:NoSchedule', 'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule']) {
      assert.ok(tolerated.includes(t), `${t} in ${tolerated.join(', ')}`);
    }
    assert.equal(p.metadata.ownerReferences?.[0].kind, 'DaemonSet');
    assert.ok(p.metadata.labels?.['controller-revision-hash']);
  }
  await waitFor('status 2/2', async () => {
    const s = await dsStatus();
    return s.desiredNumberScheduled === 2 && s.currentNumberScheduled === 2 && s.numberReady === 2 && s.numberAvailable === 2 && s.updatedNumberScheduled === 2;
  });
  const out = await kubectl.ok(['get', 'ds', 'agent']);
  assert.match(out, /agent\s+2\s+2\s+2\s+2\s+2\s+<none>/);
  await kubectl.ok(['rollout', 'status', 'ds/agent', '--timeout=30s'], { timeoutMs: 40_000 });
});

test('a joining node gets a pod; NoExecute taints push it out, cordon does not; a deleted node takes its pod along', async () => {
  const third = await startKubelet(api);
  kubelets.push(third);
  await waitOnePodPerNode(kubelets.map((k) => k.nodeName));
  await waitFor('desired 3', async () => (await dsStatus()).desiredNumberScheduled === 3);

  await kubectl.ok(['taint', 'node', third.nodeName, 'dedicated=infra:NoExecute']);
  await waitOnePodPerNode(kubelets.slice(0, 2).map((k) => k.nodeName));
  await waitFor('desired 2, none misscheduled', async () => {
    const s = await dsStatus();
    return s.desiredNumberScheduled === 2 && s.numberMisscheduled === 0;
  });
  await kubectl.ok(['taint', 'node', third.nodeName, 'dedicated=infra:NoExecute-']);
  await waitOnePodPerNode(kubelets.map((k) => k.nodeName));

  // Cordoned: the node lifecycle controller adds the unschedulable taint, which daemon pods tolerate.
  const first = kubelets[0].nodeName;
  const before = (await agentPods()).find((p) => p.spec.nodeName === first)!;
  await kubectl.ok(['cordon', first]);
  await waitFor('unschedulable taint', async () => {
    const out = await kubectl.ok(['get', 'node', first, '-o', 'jsonpath={.spec.taints[*].key}']);
    return out.includes('node.kubernetes.io/unschedulable');
  });
  // give the controller a chance to act wrongly on the taint before checking it did not
  await sleep(1500);
  const during = await waitOnePodPerNode(kubelets.map((k) => k.nodeName), 30_000);
  assert.equal(during.find((p) => p.spec.nodeName === first)?.metadata.uid, before.metadata.uid, 'the pod on the cordoned node stays');
  assert.equal((await dsStatus()).desiredNumberScheduled, 3);
  await kubectl.ok(['uncordon', first]);

  // The node leaves for good: its kubelet stops and its Node object is deleted.
  await third.stop();
  await kubectl.ok(['delete', 'node', third.nodeName]);
  await waitOnePodPerNode(kubelets.slice(0, 2).map((k) => k.nodeName));
  await waitFor('desired 2 again', async () => {
    const s = await dsStatus();
    return s.desiredNumberScheduled === 2 && s.currentNumberScheduled === 2 ? s : undefined;
  });
});

test('RollingUpdate replaces one node at a time, rollout status returns 0; history and undo through ControllerRevisions', async () => {
  const nodes = kubelets.slice(0, 2).map((k) => k.nodeName);
  let minReady = Infinity;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      minReady = Math.min(minReady, (await agentPods()).filter((p) => isRunningReady(p) && !p.metadata.deletionTimestamp).length);
      await sleep(100);
    }
  })();
  await kubectl.ok(['set', 'env', 'ds/agent', 'VERSION=2']);
  const r = await kubectl.run(['rollout', 'status', 'ds/agent', '--timeout=90s'], { timeoutMs: 100_000 });
  sampling = false;
  await sampler;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /daemon set "agent" successfully rolled out/);
  assert.ok(minReady >= 1, `ready pods dropped to ${minReady} (2 nodes, maxUnavailable 1)`);
  const updated = await waitOnePodPerNode(nodes);
  assert.ok(updated.every((p) => p.spec.containers[0].env?.some((e) => e.name === 'VERSION' && e.value === '2')));
  assert.equal(new Set(updated.map((p) => p.metadata.labels?.['controller-revision-hash'])).size, 1);

  const revs = (await client.list<ControllerRevision>(revisionsInfo, 'default', { labelSelector: 'app=agent' })).items;
  assert.deepEqual(revs.map((c) => c.revision).sort(), [1, 2]);
  const history = await kubectl.ok(['rollout', 'history', 'ds/agent']);
  assert.deepEqual(history.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter((w) => /^\d+$/.test(w)), ['1', '2']);

  await kubectl.ok(['rollout', 'undo', 'ds/agent']);
  await kubectl.ok(['rollout', 'status', 'ds/agent', '--timeout=90s'], { timeoutMs: 100_000 });
  const undone = await waitOnePodPerNode(nodes);
  assert.ok(undone.every((p) => !(p.spec.containers[0].env ?? []).some((e) => e.name === 'VERSION')));
  // the old template's revision is renumbered as the newest
  const after = await kubectl.ok(['rollout', 'history', 'ds/agent']);
  assert.deepEqual(after.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter((w) => /^\d+$/.test(w)), ['2', '3']);
});

test('deleting the DaemonSet removes its pods and revisions', async () => {
  await kubectl.ok(['delete', 'ds', 'agent'], { timeoutMs: 60_000 });
  await waitFor('pods and revisions gone', async () => {
    const revs = await client.list(revisionsInfo, 'default', { labelSelector: 'app=agent' });
    return (await agentPods()).length === 0 && revs.items.length === 0;
  }, 60_000, 250);
});
