// StatefulSet + storage with every real part: apiserver, controller-manager
// (statefulset, persistentvolume-binder, local-path-provisioner, garbage
// collector), scheduler and two kubelets running Docker, driven by the real
// kubectl. A 3-replica set with a headless Service and a volumeClaimTemplate
// of the default local-path class: ordered start, per-pod data that survives
// a pod's deletion, ordered rolling update and scale-down, claims kept after
// scale-down, and reclaim (Delete) removing the volume and its directory.
// The Endpoints controller, `kubelite proxy` (nftables) and `kubelite dns` also
// run, so pods resolve each other as `web-N.web` through the cluster DNS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort, startApiserver, startProcess, Kubectl, removeDir, waitFor, type Apiserver, type Proc } from './harness.js';
import { startKubelet, ensureImages, adminClient, BUSYBOX, freePodCIDR, podsInfo, type KubeletProc } from './kubelet-harness.js';
import { distinct, saveRouteLocalnet, serviceRanges, TestProxy } from './net-harness.js';
import type { RestClient } from '../../client/rest.js';
import { Informer } from '../../client/informer.js';
import { isNotFound } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import type { Endpoints, PersistentVolume, PersistentVolumeClaim, Pod, StatefulSet } from '../../api/types/index.js';

const pvsInfo = findResource('', 'v1', 'persistentvolumes')!;
const pvcsInfo = findResource('', 'v1', 'persistentvolumeclaims')!;
const stsInfo = findResource('apps', 'v1', 'statefulsets')!;
const epInfo = findResource('', 'v1', 'endpoints')!;

// The pod writes its name and uid once: a pod that finds the file keeps it, so
// the content tells which pod first used the volume.
const SCRIPT = `[ -f /data/name ] || echo "$POD_NAME $POD_UID" > /data/name; trap 'exit 0' TERM; while true; do sleep 1; done`;

/** A StatefulSet of SCRIPT pods with one local-path claim per pod mounted at /data, Ready once the name file is there. */
function statefulSet(o: { name: string; replicas: number; claim: string; storage: string; spec?: Record<string, unknown> }) {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet',
    metadata: { name: o.name },
    spec: {
      serviceName: o.name,
      replicas: o.replicas,
      ...o.spec,
      selector: { matchLabels: { app: o.name } },
      template: {
        metadata: { labels: { app: o.name } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{
            name: 'app', image: BUSYBOX, command: ['sh', '-c', SCRIPT],
            env: [
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
            ],
            volumeMounts: [{ name: o.claim, mountPath: '/data' }],
            readinessProbe: { exec: { command: ['cat', '/data/name'] }, periodSeconds: 1 },
          }],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: o.claim }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: o.storage } } } }],
    },
  };
}

// Two objects in one JSON stream: kubectl decodes them one after the other.
const MANIFEST = [
  {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'web', port: 80 }] },
  },
  statefulSet({ name: 'web', replicas: 3, claim: 'www', storage: '64Mi' }),
].map((o) => JSON.stringify(o)).join('\n');

let api: Apiserver;
let kubectl: Kubectl;
let client: RestClient;
let controllerManager: Proc;
let scheduler: Proc;
let dns: Proc | undefined;
let proxy: TestProxy | undefined;
let restoreRouteLocalnet: (() => Promise<void>) | undefined;
const kubelets: KubeletProc[] = [];

/** Every pod event in the order the apiserver's watch delivered it (resourceVersion order). */
const history: Array<{ what: 'added' | 'ready' | 'deleting'; name: string; uid: string }> = [];
const watch = new AbortController();

function record(pod: Pod): void {
  const uid = pod.metadata.uid ?? '';
  const name = pod.metadata.name ?? '';
  const seen = (what: 'added' | 'ready' | 'deleting') => history.some((h) => h.uid === uid && h.what === what);
  if (!seen('added')) history.push({ what: 'added', name, uid });
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  if (ready && !seen('ready')) history.push({ what: 'ready', name, uid });
  if (pod.metadata.deletionTimestamp && !seen('deleting')) history.push({ what: 'deleting', name, uid });
}

/** Position of the first matching event, or -1. */
function at(what: 'added' | 'ready' | 'deleting', name: string, since = 0): number {
  return history.findIndex((h, i) => i >= since && h.what === what && h.name === name);
}

async function pod(name: string): Promise<Pod | undefined> {
  return client.get<Pod>(podsInfo, 'default', name).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
}

const runningReady = (p: Pod | undefined): boolean =>
  !!p && !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

async function webPods(app = 'web'): Promise<Pod[]> {
  return (await client.list<Pod>(podsInfo, 'default', { labelSelector: `app=${app}` })).items;
}

async function readData(name: string): Promise<string> {
  return (await kubectl.ok(['exec', name, '--', 'cat', '/data/name'])).trim();
}

function kubeletOf(nodeName: string): KubeletProc {
  const k = kubelets.find((x) => x.nodeName === nodeName);
  assert.ok(k, `a kubelet runs node ${nodeName}`);
  return k;
}

before(async () => {
  restoreRouteLocalnet = await saveRouteLocalnet();
  await ensureImages();
  const ranges = await serviceRanges();
  const dnsIP = ranges.serviceCIDR.replace(/0\/24$/, '10');
  api = await startApiserver({ extraArgs: ['--service-cluster-ip-range', ranges.serviceCIDR, '--service-node-port-range', ranges.nodePortRange] });
  kubectl = await Kubectl.create(api.kubeconfig);
  client = adminClient(api);
  controllerManager = startProcess(['controller-manager', '--kubeconfig', api.kubeconfig,
    '--controllers', 'statefulset,endpoint,persistentvolume-binder,local-path-provisioner,garbagecollector'], join(api.dataDir, 'controller-manager.log'));
  scheduler = startProcess(['scheduler', '--kubeconfig', api.kubeconfig], join(api.dataDir, 'scheduler.log'));
  const podCIDR = await freePodCIDR();
  const dnsArgs = ['--cluster-dns', dnsIP];
  kubelets.push(await startKubelet(api, { podCIDR, extraArgs: dnsArgs }), await startKubelet(api, { extraArgs: dnsArgs }));

  // The cluster DNS listens on the first node's pod bridge gateway (a host address
  // pods of both bridges reach once the proxy DNATs the kube-dns ClusterIP to it;
  // the bridge exists now that its kubelet is Ready). Names outside the cluster go
  // to a loopback port where nothing answers, never off the machine.
  const nodeIP = podCIDR.replace(/0\/24$/, '1');
  const upstream = join(api.dataDir, 'upstream-resolv.conf');
  await writeFile(upstream, `nameserver 127.0.0.1:${await freePort()}\n`);
  const dnsPort = await freePort();
  dns = startProcess(['dns', '--kubeconfig', api.kubeconfig, '--listen', `${nodeIP}:${dnsPort}`, '--advertise-address', nodeIP,
    '--service-ip', dnsIP, '--health-bind-address', '', '--upstream-resolv-conf', upstream, '--forward-timeout', '300'],
  join(api.dataDir, 'dns.log'));
  const id = randomBytes(3).toString('hex');
  proxy = new TestProxy({
    id, mode: 'nftables', kubeconfig: api.kubeconfig, nodeName: kubelets[0].nodeName,
    // both nodes' pod CIDRs come from freePodCIDR, inside 10.244.0.0/16
    clusterCIDR: '10.244.0.0/16', serviceCIDR: ranges.serviceCIDR,
    // no NodePorts in this test; keep them off the uplink anyway
    nodePortAddresses: ['127.0.0.0/8'], loadBalancerIPPool: `127.0.0.${2 + Math.floor(Math.random() * 250)}`,
    logFile: join(api.dataDir, 'proxy.log'),
  });
  await proxy.start();
  await waitFor('kube-dns Endpoints', async () => {
    if (dns?.child.exitCode !== null) throw new Error(`dns exited: ${await readFile(join(api.dataDir, 'dns.log'), 'utf8')}`);
    const ep = await client.get<Endpoints>(epInfo, 'kube-system', 'kube-dns').catch(() => undefined);
    return (ep?.subsets ?? []).some((x) => x.ports?.[0]?.port === dnsPort && (x.addresses ?? []).some((a) => a.ip === nodeIP));
  }, 60_000, 200);
  await waitFor('the proxy to program the kube-dns ClusterIP', async () => (await proxy!.ruleset()).includes(dnsIP), 20_000, 200);
  const informer = new Informer<Pod>(client, podsInfo, { backoffInitialMs: 100 });
  informer.on('add', record);
  informer.on('update', (_old, p) => record(p));
  void informer.start(watch.signal);
  await informer.waitForSync();
});

after(async () => {
  watch.abort();
  await proxy?.cleanupQuietly();
  await dns?.kill();
  await scheduler?.kill();
  await controllerManager?.kill();
  for (const k of kubelets) {
    await k.stop().catch(() => {});
    await k.cleanup().catch(() => {});
  }
  await restoreRouteLocalnet?.();
  client?.close();
  await api?.stop();
  await kubectl?.cleanup();
  if (api) await removeDir(api.dataDir);
});

test('the controller-manager ensures the default local-path StorageClass', async () => {
  const out = await waitFor('default StorageClass', async () => {
    const r = await kubectl.run(['get', 'sc']);
    return r.code === 0 && r.stdout.includes('local-path (default)') ? r.stdout : undefined;
  }, 30_000, 200);
  assert.match(out, /^NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE$/m);
  assert.match(out, /local-path \(default\)\s+kubelite\.io\/local-path\s+Delete\s+WaitForFirstConsumer\s+false/);
});

test('3 replicas come up in order 0, 1, 2, each with its own bound local-path volume', async () => {
  await kubectl.ok(['apply', '-f', '-'], { input: MANIFEST });
  await kubectl.ok(['rollout', 'status', 'sts/web', '--timeout=150s'], { timeoutMs: 160_000 });
  for (let i = 1; i < 3; i++) {
    const prevReady = at('ready', `web-${i - 1}`);
    const added = at('added', `web-${i}`);
    assert.ok(prevReady >= 0 && added > prevReady, `web-${i} created only after web-${i - 1} was Ready: ${JSON.stringify(history)}`);
  }
  const sts = await client.get<StatefulSet>(stsInfo, 'default', 'web');
  assert.equal(sts.status?.readyReplicas, 3);
  assert.equal(sts.status?.currentRevision, sts.status?.updateRevision);

  const pods = await webPods();
  assert.deepEqual(pods.map((p) => p.metadata.name).sort(), ['web-0', 'web-1', 'web-2']);
  for (const p of pods) {
    const name = p.metadata.name!;
    assert.equal(p.spec.hostname, name);
    assert.equal(p.spec.subdomain, 'web');
    assert.equal(p.metadata.labels?.['statefulset.kubernetes.io/pod-name'], name);
    assert.equal(p.metadata.labels?.['apps.kubernetes.io/pod-index'], name.slice(4));
    assert.equal(p.metadata.labels?.['controller-revision-hash'], sts.status?.updateRevision);
    assert.equal(await readData(name), `${name} ${p.metadata.uid}`, 'each pod wrote its name into its own volume');
  }
  assert.equal(new Set(pods.map((p) => p.spec.nodeName)).size, 2, 'spread over both nodes');

  for (const p of pods) {
    const claim = await client.get<PersistentVolumeClaim>(pvcsInfo, 'default', `www-${p.metadata.name}`);
    assert.equal(claim.status?.phase, 'Bound');
    assert.equal(claim.spec.storageClassName, 'local-path', 'DefaultStorageClass admission filled in the class');
    assert.equal(claim.metadata.annotations?.['volume.kubernetes.io/selected-node'], p.spec.nodeName);
    assert.equal(claim.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    const pv = await client.get<PersistentVolume>(pvsInfo, undefined, claim.spec.volumeName!);
    assert.equal(pv.status?.phase, 'Bound');
    assert.equal(pv.spec.claimRef?.uid, claim.metadata.uid);
    assert.equal(pv.spec.persistentVolumeReclaimPolicy, 'Delete');
    const root = join(kubeletOf(p.spec.nodeName!).rootDir, 'root');
    assert.equal(pv.spec.hostPath?.path, join(root, 'local-path', pv.metadata.name!));
    assert.equal((await readFile(join(pv.spec.hostPath!.path, 'name'), 'utf8')).trim(), `${p.metadata.name} ${p.metadata.uid}`);
  }

  const tables = await kubectl.ok(['get', 'pv,pvc,sts']);
  assert.match(tables, /^NAME\s+CAPACITY\s+ACCESS MODES\s+RECLAIM POLICY\s+STATUS\s+CLAIM\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+REASON\s+AGE$/m);
  assert.match(tables, /^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE$/m);
  assert.match(tables, /^NAME\s+READY\s+AGE$/m);
  assert.match(tables, /persistentvolumeclaim\/www-web-0\s+Bound\s+pvc-\S+\s+64Mi\s+RWO\s+local-path\s+<unset>/);
  assert.match(tables, /persistentvolume\/pvc-\S+\s+64Mi\s+RWO\s+Delete\s+Bound\s+default\/www-web-1\s+local-path/);
  assert.match(tables, /statefulset\.apps\/web\s+3\/3\s/);
});

test('web-0 resolves web-1.web (search path) and its full name to web-1\'s pod IP through the cluster DNS', async () => {
  const ip = (await pod('web-1'))?.status?.podIP;
  assert.ok(ip, 'web-1 has a pod IP');
  // the Endpoints controller copies web-1's hostname (spec.hostname, subdomain web)
  await waitFor('Endpoints web to name web-1', async () => {
    const ep = await client.get<Endpoints>(epInfo, 'default', 'web').catch(() => undefined);
    return (ep?.subsets ?? []).some((x) => (x.addresses ?? []).some((a) => a.hostname === 'web-1' && a.ip === ip));
  }, 20_000, 200);

  // The full name: busybox nslookup sends a dotted name as it is, one query per type.
  const full = 'web-1.web.default.svc.cluster.local';
  const r = await kubectl.run(['exec', 'web-0', '--', 'busybox', 'nslookup', full], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
  // the Address lines after "Name:" are the answers; the one before is the server
  const addrs = r.stdout.split(/^Name:/m).slice(1).flatMap((b) => [...b.matchAll(/^Address:\s*(\S+)\s*$/gm)].map((m) => m[1]));
  assert.deepEqual(distinct(addrs), [ip], `nslookup ${full}:\n${r.stdout}`);
  assert.match(r.stdout, /^Name:\s+web-1\.web\.default\.svc\.cluster\.local$/m, r.stdout);

  // The short name: busybox nslookup applies search domains only to dotless names
  // (no ndots), so `nslookup web-1.web` would ask for web-1.web itself. ping resolves
  // through libc like an application does: ndots:5 puts the pod's search path
  // first, and ping prints the address it resolved before its one probe (which
  // may go unanswered: web-1 can be on the other node's bridge).
  const p = await kubectl.run(['exec', 'web-0', '--', 'busybox', 'ping', '-c', '1', '-W', '1', 'web-1.web'], { timeoutMs: 60_000 });
  assert.match(p.stdout, new RegExp(`^PING web-1\\.web \\(${ip.replace(/\./g, '\\.')}\\)`, 'm'), `${p.stdout}${p.stderr}`);
});

test('a deleted pod comes back with the same name, on the same node, with the same data', async () => {
  const before = (await pod('web-1'))!;
  const node = before.spec.nodeName;
  await kubectl.ok(['delete', 'pod', 'web-1', '--wait=false']);
  const after = await waitFor('web-1 back, Running and Ready', async () => {
    const p = await pod('web-1');
    return p && p.metadata.uid !== before.metadata.uid && runningReady(p) ? p : undefined;
  }, 60_000, 200);
  assert.equal(after.spec.nodeName, node, 'its volume pins it to its node');
  assert.equal(await readData('web-1'), `web-1 ${before.metadata.uid}`, 'the file the first web-1 wrote is still there');
});

test('a template change rolls the pods from the highest ordinal down; data stays', async () => {
  const since = history.length;
  const old = await client.get<StatefulSet>(stsInfo, 'default', 'web');
  const oldData = await Promise.all([0, 1, 2].map((i) => readData(`web-${i}`)));
  await kubectl.ok(['set', 'env', 'sts/web', 'VERSION=2']);
  await kubectl.ok(['rollout', 'status', 'sts/web', '--timeout=150s'], { timeoutMs: 160_000 });
  const order = [2, 1, 0].map((i) => at('deleting', `web-${i}`, since));
  assert.ok(order.every((x) => x >= 0) && order[0] < order[1] && order[1] < order[2], `updated 2, 1, 0: ${JSON.stringify(history.slice(since))}`);
  // each replacement was Ready before the next older pod went
  assert.ok(at('ready', 'web-2', order[0]) < order[1]);
  const sts = await client.get<StatefulSet>(stsInfo, 'default', 'web');
  assert.notEqual(sts.status?.updateRevision, old.status?.updateRevision);
  assert.equal(sts.status?.currentRevision, sts.status?.updateRevision);
  assert.equal(sts.status?.updatedReplicas, 3);
  for (const p of await webPods()) assert.equal(p.metadata.labels?.['controller-revision-hash'], sts.status?.updateRevision);
  assert.deepEqual(await Promise.all([0, 1, 2].map((i) => readData(`web-${i}`))), oldData);
  const revisions = await kubectl.ok(['get', 'controllerrevisions', '-l', 'app=web']);
  assert.equal(revisions.trim().split('\n').length, 3, `two revisions:\n${revisions}`);
});

test('scaling to 1 removes web-2, then web-1; their claims stay', async () => {
  const since = history.length;
  await kubectl.ok(['scale', 'sts/web', '--replicas=1']);
  await waitFor('only web-0 left', async () => {
    const pods = await webPods();
    return pods.length === 1 && pods[0].metadata.name === 'web-0';
  }, 60_000, 200);
  const two = at('deleting', 'web-2', since);
  const one = at('deleting', 'web-1', since);
  assert.ok(two >= 0 && one > two, `web-2 went before web-1: ${JSON.stringify(history.slice(since))}`);
  await kubectl.ok(['rollout', 'status', 'sts/web', '--timeout=60s'], { timeoutMs: 70_000 });
  const claims = (await client.list<PersistentVolumeClaim>(pvcsInfo, 'default')).items;
  assert.deepEqual(claims.map((c) => `${c.metadata.name} ${c.status?.phase}`).sort(), ['www-web-0 Bound', 'www-web-1 Bound', 'www-web-2 Bound']);
});

test('deleting a claim (reclaim Delete) deletes its volume and the directory on its node', async () => {
  const claim = await client.get<PersistentVolumeClaim>(pvcsInfo, 'default', 'www-web-2');
  const pv = await client.get<PersistentVolume>(pvsInfo, undefined, claim.spec.volumeName!);
  const dir = pv.spec.hostPath!.path;
  assert.ok(existsSync(join(dir, 'name')));
  await kubectl.ok(['delete', 'pvc', 'www-web-2']);
  await waitFor('the volume deleted', async () => {
    try {
      await client.get(pvsInfo, undefined, pv.metadata.name!);
      return false;
    } catch (e) {
      return isNotFound(e);
    }
  }, 60_000, 200);
  assert.equal(existsSync(dir), false, `${dir} removed by the kubelet`);
  assert.ok(existsSync(join(dir, '..')), 'only the volume directory, not the local-path folder');
  // the kept claim of the scaled-down web-1 still has its volume and data
  const kept = await client.get<PersistentVolumeClaim>(pvcsInfo, 'default', 'www-web-1');
  assert.equal(kept.status?.phase, 'Bound');
  const keptPv = await client.get<PersistentVolume>(pvsInfo, undefined, kept.spec.volumeName!);
  assert.match(await readFile(join(keptPv.spec.hostPath!.path, 'name'), 'utf8'), /^web-1 /);
});

test('Parallel creates all pods at once; whenScaled: Delete removes a scaled-down pod\'s claim, volume and data', async () => {
  const db = statefulSet({
    name: 'db', replicas: 2, claim: 'data', storage: '16Mi',
    spec: { podManagementPolicy: 'Parallel', persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete', whenDeleted: 'Retain' } },
  });
  await kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify(db) });
  await kubectl.ok(['rollout', 'status', 'sts/db', '--timeout=120s'], { timeoutMs: 130_000 });
  const readyFirst = Math.min(at('ready', 'db-0'), at('ready', 'db-1'));
  assert.ok(at('added', 'db-0') < readyFirst && at('added', 'db-1') < readyFirst, `both created before either was Ready: ${JSON.stringify(history.filter((h) => h.name.startsWith('db-')))}`);

  const claim = await client.get<PersistentVolumeClaim>(pvcsInfo, 'default', 'data-db-1');
  const pv = await client.get<PersistentVolume>(pvsInfo, undefined, claim.spec.volumeName!);
  assert.ok(existsSync(join(pv.spec.hostPath!.path, 'name')));
  await kubectl.ok(['scale', 'sts/db', '--replicas=1']);
  await waitFor('data-db-1 and its volume gone', async () => {
    const claims = (await client.list<PersistentVolumeClaim>(pvcsInfo, 'default')).items.map((c) => c.metadata.name);
    const volumes = (await client.list<PersistentVolume>(pvsInfo, undefined)).items.map((v) => v.metadata.name);
    return !claims.includes('data-db-1') && !volumes.includes(pv.metadata.name) && claims.includes('data-db-0');
  }, 60_000, 200);
  assert.equal(existsSync(pv.spec.hostPath!.path), false, 'its directory removed on its node');
  const left = await webPods('db');
  assert.deepEqual(left.map((p) => p.metadata.name), ['db-0']);
});
