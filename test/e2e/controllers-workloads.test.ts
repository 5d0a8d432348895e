// ReplicaSet, ReplicationController, Deployment and Endpoints controllers in a real
// `kubelite controller-manager` process, driven by the real kubectl. Pods are run
// by a tiny fake kubelet in this process (binds them to a fake Node and reports
// them Running/Ready with a pod IP, or never Ready for chosen images), so these
// tests need neither Docker nor the scheduler.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startApiserver, startProcess, Kubectl, removeDir, sleep, waitFor, type Apiserver, type Proc } from './harness.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { Informer } from '../../client/informer.js';
import { isNotFound } from '../../api/errors.js';
import { objectKey } from '../../api/meta.js';
import { findResource } from '../../api/resources.js';
import type { Deployment, Endpoints, Node, Pod, ReplicaSet, ReplicationController } from '../../api/types/index.js';

const podsInfo = findResource('', 'v1', 'pods')!;
const nodesInfo = findResource('', 'v1', 'nodes')!;
const endpointsInfo = findResource('', 'v1', 'endpoints')!;
const deploymentsInfo = findResource('apps', 'v1', 'deployments')!;
const replicaSetsInfo = findResource('apps', 'v1', 'replicasets')!;
const rcInfo = findResource('', 'v1', 'replicationcontrollers')!;

const NODE = 'fake-node-1';
const REVISION = 'deployment.kubernetes.io/revision';

/**
 * Just enough kubelet for controllers: binds unscheduled pods to its node, reports
 * them Running with an IP and Ready (unless the image or pod is marked not-ready),
 * and finishes graceful deletions at once.
 */
class FakeKubelet {
  readonly notReadyImages = new Set<string>();
  readonly notReadyPods = new Set<string>();
  private readonly informer: Informer<Pod>;
  private readonly stop = new AbortController();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private nextIP = 2;

  constructor(private readonly client: RestClient, private readonly delayMs = 150) {
    this.informer = new Informer<Pod>(client, podsInfo, { backoffInitialMs: 100 });
    this.informer.on('add', (p) => this.schedule(p));
    this.informer.on('update', (_o, p) => this.schedule(p));
  }

  async start(): Promise<void> {
    const node: Node = {
      apiVersion: 'v1', kind: 'Node',
      metadata: { name: NODE, labels: { 'kubernetes.io/hostname': NODE } },
      status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }], addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
    };
    await this.client.create(nodesInfo, undefined, node);
    void this.informer.start(this.stop.signal);
    await this.informer.waitForSync();
  }

  close(): void {
    this.stop.abort();
    for (const t of this.pending.values()) clearTimeout(t);
  }

  /** Re-evaluates a pod (after changing notReadyPods). */
  touch(pod: Pod): void {
    this.schedule(pod);
  }

  private schedule(pod: Pod): void {
    const key = objectKey(pod);
    if (this.pending.has(key)) return;
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      void this.reconcile(key).catch(() => undefined);
    }, this.delayMs));
  }

  private wantsReady(pod: Pod): boolean {
    return !this.notReadyPods.has(pod.metadata.name!) && !pod.spec.containers.some((c) => this.notReadyImages.has(c.image ?? ''));
  }

  private async reconcile(key: string): Promise<void> {
    const pod = this.informer.store.get(key);
    if (!pod) return;
    const ns = pod.metadata.namespace;
    const name = pod.metadata.name!;
    if (pod.metadata.deletionTimestamp) {
      await this.client.delete(podsInfo, ns, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } }).catch(() => undefined);
      return;
    }
    if (!pod.spec.nodeName) {
      await this.client.createSubresource(podsInfo, ns, name, 'binding', {
        apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: ns }, target: { apiVersion: 'v1', kind: 'Node', name: NODE },
      });
      return;
    }
    if (pod.spec.nodeName !== NODE) return;
    const ready = this.wantsReady(pod);
    const readyStatus = ready ? 'True' : 'False';
    const current = pod.status?.conditions?.find((c) => c.type === 'Ready');
    if (pod.status?.phase === 'Running' && pod.status.podIP && current?.status === readyStatus) return;
    const ip = pod.status?.podIP ?? `10.244.${Math.floor(this.nextIP / 250)}.${(this.nextIP++ % 250) + 2}`;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const since = current?.status === readyStatus ? current.lastTransitionTime : now;
    const status = {
      phase: 'Running', hostIP: '10.0.0.1', podIP: ip, podIPs: [{ ip }], startTime: pod.status?.startTime ?? now,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
        { type: 'Initialized', status: 'True', lastTransitionTime: now },
        { type: 'ContainersReady', status: readyStatus, lastTransitionTime: since },
        { type: 'Ready', status: readyStatus, lastTransitionTime: since },
      ],
      containerStatuses: pod.spec.containers.map((c) => ({
        name: c.name, image: c.image, imageID: '', ready, restartCount: 0, started: true, state: { running: { startedAt: now } },
      })),
    };
    await this.client.patch(podsInfo, ns, name, { status }, 'merge', { subresource: 'status' });
  }
}

let api: Apiserver;
let kubectl: Kubectl;
let client: RestClient;
let cm: Proc;
let kubelet: FakeKubelet;

before(async () => {
  api = await startApiserver();
  kubectl = await Kubectl.create(api.kubeconfig);
  client = new RestClient(loadKubeconfig({ path: api.kubeconfig }));
  kubelet = new FakeKubelet(client);
  await kubelet.start();
  cm = startProcess(
    ['controller-manager', '--kubeconfig', api.kubeconfig, '--controllers', 'replicaset,replicationcontroller,deployment,endpoint,garbagecollector'],
    join(api.dataDir, 'controller-manager.log'),
  );
});

after(async () => {
  kubelet?.close();
  await cm?.kill();
  client?.close();
  await api?.stop();
  await kubectl?.cleanup();
  if (api) await removeDir(api.dataDir);
});

// ---------------------------------------------------------------- helpers

async function listPods(selector: string, ns = 'default'): Promise<Pod[]> {
  return (await client.list<Pod>(podsInfo, ns, { labelSelector: selector })).items;
}

const live = (pods: Pod[]): Pod[] => pods.filter((p) => !p.metadata.deletionTimestamp);
const isReady = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const images = (pods: Pod[]): string[] => [...new Set(pods.map((p) => p.spec.containers[0].image ?? ''))].sort();

/** Waits until exactly `n` live pods match, all Running and Ready (or just existing, with ready=false). */
async function waitForPods(selector: string, n: number, opts: { ready?: boolean; timeoutMs?: number; image?: string } = {}): Promise<Pod[]> {
  return waitFor(`${n} pods ${selector}`, async () => {
    const pods = live(await listPods(selector));
    if (pods.length !== n) return false;
    if (opts.ready !== false && !pods.every(isReady)) return false;
    if (opts.image && !pods.every((p) => p.spec.containers[0].image === opts.image)) return false;
    // Terminating pods must be gone too, so counts in the next step start clean.
    return (await listPods(selector)).length === n ? pods : false;
  }, opts.timeoutMs ?? 30_000, 100);
}

async function replicaSetsOf(d: Deployment): Promise<ReplicaSet[]> {
  const all = (await client.list<ReplicaSet>(replicaSetsInfo, d.metadata.namespace)).items;
  return all.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid));
}

async function getDeployment(name: string): Promise<Deployment> {
  return client.get<Deployment>(deploymentsInfo, 'default', name);
}

/** Samples ready, non-terminating pods while `during` runs; returns the minimum seen. */
async function minReadyDuring(selector: string, during: () => Promise<void>): Promise<{ min: number; samples: number }> {
  let min = Number.POSITIVE_INFINITY;
  let samples = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const ready = live(await listPods(selector)).filter(isReady).length;
      min = Math.min(min, ready);
      samples++;
      await sleep(30);
    }
  })();
  try {
    await during();
  } finally {
    done = true;
    await sampler;
  }
  return { min, samples };
}

async function rolloutStatus(name: string, timeout = '60s'): Promise<string> {
  return kubectl.ok(['rollout', 'status', `deployment/${name}`, `--timeout=${timeout}`], { timeoutMs: 90_000 });
}

// ---------------------------------------------------------------- deployments

test('kubectl create deployment → ReplicaSet <name>-<hash> with 3 ready pods; rollout status succeeds', async () => {
  await kubectl.ok(['create', 'deployment', 'web', '--image=busybox', '--replicas=3']);
  const pods = await waitForPods('app=web', 3);
  const d = await getDeployment('web');
  const rss = await replicaSetsOf(d);
  assert.equal(rss.length, 1);
  const rs = rss[0];
  const hash = rs.metadata.labels?.['pod-template-hash'];
  assert.match(hash ?? '', /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(rs.metadata.name, `web-${hash}`);
  assert.equal(rs.spec.selector.matchLabels?.['pod-template-hash'], hash);
  assert.equal(rs.metadata.annotations?.[REVISION], '1');
  assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
  assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '4');
  for (const p of pods) {
    assert.ok(p.metadata.name?.startsWith(`web-${hash}-`));
    assert.equal(p.metadata.ownerReferences?.[0].uid, rs.metadata.uid);
    assert.equal(p.metadata.ownerReferences?.[0].controller, true);
  }
  assert.match(await rolloutStatus('web'), /successfully rolled out/);
  const done = await waitFor('deployment status', async () => {
    const x = await getDeployment('web');
    return x.status?.availableReplicas === 3 && x.status.observedGeneration === x.metadata.generation ? x : false;
  });
  assert.equal(done.metadata.annotations?.[REVISION], '1');
  assert.deepEqual(
    { replicas: done.status?.replicas, updated: done.status?.updatedReplicas, ready: done.status?.readyReplicas, unavailable: done.status?.unavailableReplicas ?? 0 },
    { replicas: 3, updated: 3, ready: 3, unavailable: 0 },
  );
  const conds = Object.fromEntries((done.status?.conditions ?? []).map((c) => [c.type, c.reason]));
  assert.deepEqual(conds, { Available: 'MinimumReplicasAvailable', Progressing: 'NewReplicaSetAvailable' });
  const rsStatus = (await client.get<ReplicaSet>(replicaSetsInfo, 'default', rs.metadata.name!)).status;
  assert.deepEqual(rsStatus, { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
});

test('kubectl scale up and down; a deleted pod is replaced', async () => {
  await kubectl.ok(['scale', 'deployment/web', '--replicas=5']);
  await waitForPods('app=web', 5);
  await kubectl.ok(['scale', 'deployment/web', '--replicas=2']);
  const two = await waitForPods('app=web', 2);
  const victim = two[0].metadata.name!;
  await kubectl.ok(['delete', 'pod', victim, '--wait=false']);
  const after = await waitFor('replacement pod', async () => {
    const pods = await waitForPods('app=web', 2);
    return pods.every((p) => p.metadata.name !== victim) ? pods : false;
  });
  assert.equal(after.length, 2);
  const rs = (await replicaSetsOf(await getDeployment('web')))[0];
  assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '2');
});

test('kubectl set image rolls out without dropping below replicas - maxUnavailable; history; undo', async () => {
  await kubectl.ok(['scale', 'deployment/web', '--replicas=4']);
  await waitForPods('app=web', 4);
  // 25%/25% of 4: surge 1, unavailable 1 → at least 3 ready pods at all times.
  const { min, samples } = await minReadyDuring('app=web', async () => {
    await kubectl.ok(['set', 'image', 'deployment/web', 'busybox=busybox:1.36']);
    assert.match(await rolloutStatus('web'), /successfully rolled out/);
    await waitForPods('app=web', 4, { image: 'busybox:1.36' });
  });
  assert.ok(samples > 5, `sampled ${samples} times`);
  assert.ok(min >= 3, `ready pods dropped to ${min}`);

  const d = await getDeployment('web');
  assert.equal(d.metadata.annotations?.[REVISION], '2');
  const rss = await replicaSetsOf(d);
  assert.equal(rss.length, 2);
  const byRev = Object.fromEntries(rss.map((rs) => [rs.metadata.annotations?.[REVISION], rs.spec.replicas]));
  assert.deepEqual(byRev, { 1: 0, 2: 4 });

  const history = await kubectl.ok(['rollout', 'history', 'deployment/web']);
  assert.match(history, /REVISION\s+CHANGE-CAUSE/);
  assert.deepEqual(history.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter((w) => /^\d+$/.test(w)), ['1', '2']);
  assert.match(await kubectl.ok(['rollout', 'history', 'deployment/web', '--revision=1']), /Image:\s+busybox\n/);

  assert.match(await kubectl.ok(['rollout', 'undo', 'deployment/web']), /rolled back/);
  await rolloutStatus('web');
  await waitForPods('app=web', 4, { image: 'busybox' });
  const undone = await getDeployment('web');
  assert.equal(undone.spec.template.spec.containers[0].image, 'busybox');
  assert.equal(undone.metadata.annotations?.[REVISION], '3');
  const after = await replicaSetsOf(undone);
  assert.equal(after.length, 2, 'the old ReplicaSet was reused, not a new one made');
  const original = after.find((rs) => rs.spec.template.spec.containers[0].image === 'busybox')!;
  assert.equal(original.metadata.annotations?.[REVISION], '3');
  assert.equal(original.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
  const h2 = await kubectl.ok(['rollout', 'history', 'deployment/web']);
  assert.deepEqual(h2.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter((w) => /^\d+$/.test(w)), ['2', '3']);
});

test('pause stops rollouts but not scaling; resume continues; restart makes a new ReplicaSet', async () => {
  await kubectl.ok(['rollout', 'pause', 'deployment/web']);
  await waitFor('Progressing=DeploymentPaused', async () => {
    const d = await getDeployment('web');
    return d.status?.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'DeploymentPaused');
  });
  const before = (await replicaSetsOf(await getDeployment('web'))).length;
  await kubectl.ok(['set', 'image', 'deployment/web', 'busybox=busybox:1.37']);
  await kubectl.ok(['scale', 'deployment/web', '--replicas=3']);
  await waitForPods('app=web', 3, { image: 'busybox' });
  await sleep(1000);
  assert.equal((await replicaSetsOf(await getDeployment('web'))).length, before, 'no new ReplicaSet while paused');
  assert.deepEqual(images(live(await listPods('app=web'))), ['busybox']);

  await kubectl.ok(['rollout', 'resume', 'deployment/web']);
  await rolloutStatus('web');
  await waitForPods('app=web', 3, { image: 'busybox:1.37' });

  const revBefore = Number((await getDeployment('web')).metadata.annotations?.[REVISION]);
  const oldNames = new Set(live(await listPods('app=web')).map((p) => p.metadata.name));
  await kubectl.ok(['rollout', 'restart', 'deployment/web']);
  await rolloutStatus('web');
  const restarted = await waitFor('all pods replaced', async () => {
    const pods = await waitForPods('app=web', 3);
    return pods.every((p) => !oldNames.has(p.metadata.name)) ? pods : false;
  });
  assert.ok(restarted.every((p) => p.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']));
  assert.equal(Number((await getDeployment('web')).metadata.annotations?.[REVISION]), revBefore + 1);
});

test('a rollout whose pods never get ready exceeds its progress deadline, keeps old pods, and can be undone', async () => {
  await kubectl.ok(['create', 'deployment', 'stuck', '--image=busybox', '--replicas=4']);
  await waitForPods('app=stuck', 4);
  await kubectl.ok(['patch', 'deployment/stuck', '-p', '{"spec":{"progressDeadlineSeconds":3}}']);
  await rolloutStatus('stuck');
  kubelet.notReadyImages.add('busybox:broken');
  const { min } = await minReadyDuring('app=stuck', async () => {
    await kubectl.ok(['set', 'image', 'deployment/stuck', 'busybox=busybox:broken']);
    const r = await kubectl.run(['rollout', 'status', 'deployment/stuck', '--timeout=60s'], { timeoutMs: 90_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /exceeded its progress deadline/);
  });
  assert.ok(min >= 3, `ready pods dropped to ${min}`);
  const d = await getDeployment('stuck');
  const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
  assert.equal(progressing?.reason, 'ProgressDeadlineExceeded');
  assert.equal(progressing?.status, 'False');
  assert.equal(d.status?.conditions?.find((c) => c.type === 'Available')?.status, 'True');

  // Stuck at old 3 + new 2 (4 replicas, surge 1, unavailable 1). Scaling to 8 (surge 2)
  // spreads the 5 extra pods in proportion: old 3→6, new 2→4.
  const sizes = async (): Promise<string> => {
    const rss = await replicaSetsOf(await getDeployment('stuck'));
    return rss.map((rs) => `${rs.spec.template.spec.containers[0].image}=${rs.spec.replicas}`).sort().join(',');
  };
  assert.equal(await sizes(), 'busybox:broken=2,busybox=3');
  await kubectl.ok(['scale', 'deployment/stuck', '--replicas=8']);
  await waitFor('proportional scale', async () => (await sizes()) === 'busybox:broken=4,busybox=6');

  await kubectl.ok(['rollout', 'undo', 'deployment/stuck']);
  await rolloutStatus('stuck');
  await waitForPods('app=stuck', 8, { image: 'busybox' });
  await kubectl.ok(['delete', 'deployment', 'stuck']);
});

test('Recreate: every old pod is gone before a new one exists', async () => {
  const file = join(api.dataDir, 'recreate.yaml');
  const manifest = (image: string): string => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: rec}
spec:
  replicas: 3
  revisionHistoryLimit: 1
  strategy: {type: Recreate}
  selector: {matchLabels: {app: rec}}
  template:
    metadata: {labels: {app: rec}}
    spec:
      containers: [{name: main, image: ${image}}]
`;
  await writeFile(file, manifest('busybox:1'));
  await kubectl.ok(['apply', '-f', file]);
  await waitForPods('app=rec', 3);
  await rolloutStatus('rec');
  let mixed = false;
  const watch = (async () => {
    for (let i = 0; i < 400 && !mixed; i++) {
      const imgs = images(await listPods('app=rec'));
      if (imgs.length > 1) mixed = true;
      if (imgs.length === 1 && imgs[0] === 'busybox:2' && live(await listPods('app=rec')).length === 3) break;
      await sleep(25);
    }
  })();
  await writeFile(file, manifest('busybox:2'));
  await kubectl.ok(['apply', '-f', file]);
  await rolloutStatus('rec');
  await watch;
  assert.ok(!mixed, 'old and new pods existed at the same time');
  await waitForPods('app=rec', 3, { image: 'busybox:2' });

  // A third template: revisionHistoryLimit 1 keeps only the newest old ReplicaSet.
  await writeFile(file, manifest('busybox:3'));
  await kubectl.ok(['apply', '-f', file]);
  await rolloutStatus('rec');
  const rss = await waitFor('old ReplicaSets cleaned up', async () => {
    const list = await replicaSetsOf(await getDeployment('rec'));
    return list.length === 2 ? list : false;
  });
  assert.deepEqual(rss.map((rs) => rs.metadata.annotations?.[REVISION]).sort(), ['2', '3']);
  await kubectl.ok(['delete', 'deployment', 'rec']);
});

// ---------------------------------------------------------------- replica sets and RCs

test('a ReplicaSet adopts matching orphans and releases pods whose labels stop matching', async () => {
  const orphan = await client.create<Pod>(podsInfo, 'default', {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', labels: { app: 'adopt' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] },
  });
  await waitFor('orphan running', async () => isReady(await client.get<Pod>(podsInfo, 'default', 'orphan')));
  const file = join(api.dataDir, 'rs.yaml');
  await writeFile(file, `
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: adopt}
spec:
  replicas: 2
  selector: {matchLabels: {app: adopt}}
  template:
    metadata: {labels: {app: adopt}}
    spec:
      containers: [{name: c, image: busybox}]
`);
  await kubectl.ok(['apply', '-f', file]);
  const pods = await waitForPods('app=adopt', 2);
  assert.ok(pods.some((p) => p.metadata.name === 'orphan'), 'the orphan was counted, only one pod created');
  const rs = await client.get<ReplicaSet>(replicaSetsInfo, 'default', 'adopt');
  const adopted = await client.get<Pod>(podsInfo, 'default', 'orphan');
  assert.deepEqual(adopted.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'adopt', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  assert.equal(adopted.metadata.uid, orphan.metadata.uid);

  await kubectl.ok(['label', 'pod', 'orphan', 'app=elsewhere', '--overwrite']);
  await waitFor('orphan released', async () => !(await client.get<Pod>(podsInfo, 'default', 'orphan')).metadata.ownerReferences?.length);
  await waitForPods('app=adopt', 2);
  await kubectl.ok(['delete', 'pod', 'orphan', '--wait=false']);
  await kubectl.ok(['delete', 'rs', 'adopt']);
});

test('a ReplicationController keeps its replicas and follows kubectl scale', async () => {
  const file = join(api.dataDir, 'rc.yaml');
  await writeFile(file, `
apiVersion: v1
kind: ReplicationController
metadata: {name: legacy}
spec:
  replicas: 2
  selector: {app: legacy}
  template:
    metadata: {labels: {app: legacy}}
    spec:
      containers: [{name: c, image: busybox}]
`);
  await kubectl.ok(['apply', '-f', file]);
  await waitForPods('app=legacy', 2);
  await kubectl.ok(['scale', 'rc/legacy', '--replicas=3']);
  await waitForPods('app=legacy', 3);
  const rc = await waitFor('rc status', async () => {
    const x = await client.get<ReplicationController>(rcInfo, 'default', 'legacy');
    return x.status?.readyReplicas === 3 && x.status.observedGeneration === x.metadata.generation ? x : false;
  });
  assert.equal(rc.status?.replicas, 3);
  await kubectl.ok(['delete', 'rc', 'legacy']);
});

// ---------------------------------------------------------------- endpoints

async function endpoints(name: string): Promise<Endpoints | undefined> {
  try {
    return await client.get<Endpoints>(endpointsInfo, 'default', name);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

const ips = (list: Array<{ ip: string }> | undefined): string[] => (list ?? []).map((a) => a.ip).sort();

test('Endpoints follow the ready pods of a Service and go with it', async () => {
  await kubectl.ok(['expose', 'deployment/web', '--port=80', '--target-port=8080']);
  const pods = await waitForPods('app=web', 3);
  const podIPs = pods.map((p) => p.status!.podIP!).sort();
  const ep = await waitFor('endpoints with 3 addresses', async () => {
    const e = await endpoints('web');
    return e && ips(e.subsets?.[0]?.addresses).join() === podIPs.join() ? e : false;
  });
  assert.equal(ep.subsets?.length, 1);
  assert.deepEqual(ep.subsets?.[0].ports, [{ port: 8080, protocol: 'TCP' }]);
  const a = ep.subsets![0].addresses![0];
  assert.equal(a.nodeName, NODE);
  assert.equal(a.targetRef?.kind, 'Pod');
  assert.ok(pods.some((p) => p.metadata.uid === a.targetRef?.uid && p.metadata.name === a.targetRef?.name));
  assert.match(await kubectl.ok(['get', 'endpoints', 'web']), /10\.244\.\d+\.\d+:8080/);

  // One pod turns not-ready: it moves to notReadyAddresses.
  const sick = pods[0];
  kubelet.notReadyPods.add(sick.metadata.name!);
  kubelet.touch(sick);
  await waitFor('not-ready address', async () => {
    const e = await endpoints('web');
    return ips(e?.subsets?.[0]?.notReadyAddresses).join() === sick.status!.podIP && ips(e?.subsets?.[0]?.addresses).length === 2;
  });
  kubelet.notReadyPods.delete(sick.metadata.name!);
  kubelet.touch(sick);

  // Scaling changes the addresses.
  await kubectl.ok(['scale', 'deployment/web', '--replicas=1']);
  const one = await waitForPods('app=web', 1);
  await waitFor('one address', async () => ips((await endpoints('web'))?.subsets?.[0]?.addresses).join() === one[0].status!.podIP);

  await kubectl.ok(['delete', 'service', 'web']);
  await waitFor('endpoints deleted', async () => (await endpoints('web')) === undefined);
});

test('named target ports resolve per pod; selectorless services are left alone', async () => {
  const file = join(api.dataDir, 'named.yaml');
  const deploy = (name: string, port: number): string => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  selector: {matchLabels: {app: named, variant: ${name}}}
  template:
    metadata: {labels: {app: named, variant: ${name}}}
    spec:
      containers: [{name: c, image: busybox, ports: [{name: http, containerPort: ${port}}]}]
`;
  await writeFile(file, `${deploy('named-a', 8080)}---${deploy('named-b', 9090)}---
apiVersion: v1
kind: Service
metadata: {name: named}
spec:
  selector: {app: named}
  ports: [{name: web, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: manual}
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: manual}
subsets: [{addresses: [{ip: 192.0.2.10}], ports: [{port: 80}]}]
`);
  await kubectl.ok(['apply', '-f', file]);
  await waitForPods('app=named', 2);
  const ep = await waitFor('two subsets', async () => {
    const e = await endpoints('named');
    return e?.subsets?.length === 2 ? e : false;
  });
  assert.deepEqual(ep.subsets!.map((s) => s.ports![0].port).sort(), [8080, 9090]);
  assert.ok(ep.subsets!.every((s) => s.ports![0].name === 'web' && s.addresses?.length === 1));
  await sleep(500);
  assert.deepEqual(ips((await endpoints('manual'))?.subsets?.[0]?.addresses), ['192.0.2.10']);
  assert.deepEqual(ips((await endpoints('kubernetes'))?.subsets?.[0]?.addresses), ['127.0.0.1'], 'default/kubernetes stays the apiserver\'s');
});
