// Issue "kubelet": a real kubelet process runs pods in real Docker. Pods here are
// bound straight to the node (spec.nodeName) since no scheduler runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startApiserver, Kubectl, removeDir, waitFor, type Apiserver } from './harness.js';
import {
  adminClient, BUSYBOX, docker, ensureImages, getPod, httpGet, isRunningReady, nodeContainers, podManifest, podsInfo, startKubelet,
  waitPod, type KubeletProc,
} from './kubelet-harness.js';
import { findResource } from '../../api/resources.js';
import type { Event, Lease, Node, Pod } from '../../api/types/index.js';
import type { RestClient } from '../../client/rest.js';

let api: Apiserver;
let kubelet: KubeletProc;
let client: RestClient;
let kubectl: Kubectl;

before(async () => {
  await ensureImages();
  api = await startApiserver();
  client = adminClient(api);
  kubectl = await Kubectl.create(api.kubeconfig);
  kubelet = await startKubelet(api);
});

after(async () => {
  await kubelet?.cleanup();
  client?.close();
  await kubectl?.cleanup();
  await api?.stop();
  if (api) await removeDir(api.dataDir);
});

const httpdPod = (name: string) => podManifest(name, kubelet.nodeName, {
  containers: [{
    name: 'web', image: BUSYBOX,
    command: ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www'],
    ports: [{ containerPort: 8080 }],
    readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
  }],
}, { labels: { app: name } });

test('the node registers with capacity, addresses, nodeInfo and the gRPC port, and renews its lease', async () => {
  const node = await client.get<Node>(findResource('', 'v1', 'nodes')!, undefined, kubelet.nodeName);
  const s = node.status!;
  assert.equal(s.capacity?.pods, '110');
  assert.ok(Number(s.capacity?.cpu) >= 1);
  assert.match(s.capacity?.memory ?? '', /^\d+Ki$/);
  assert.deepEqual(s.addresses?.find((a) => a.type === 'InternalIP'), { type: 'InternalIP', address: '127.0.0.1' });
  assert.equal(s.daemonEndpoints?.kubeletEndpoint?.Port, kubelet.grpcPort);
  assert.match(s.nodeInfo?.containerRuntimeVersion ?? '', /^docker:\/\/\d+/);
  assert.equal(s.nodeInfo?.kubeletVersion, 'v1.32.0-kubelite');
  assert.equal(s.nodeInfo?.operatingSystem, 'linux');
  assert.deepEqual(s.conditions?.map((c) => c.type).sort(), ['DiskPressure', 'MemoryPressure', 'PIDPressure', 'Ready']);
  assert.equal(node.spec?.podCIDR, kubelet.podCIDR);
  const lease = await client.get<Lease>(findResource('coordination.k8s.io', 'v1', 'leases')!, 'kube-node-lease', kubelet.nodeName);
  assert.equal(lease.spec?.holderIdentity, kubelet.nodeName);
  const out = await kubectl.ok(['get', 'nodes', kubelet.nodeName]);
  assert.match(out, new RegExp(`${kubelet.nodeName}\\s+Ready`));
});

test('an httpd pod becomes Running and Ready; pause and app share one IP; the page names the pod', async () => {
  await client.create(podsInfo, 'default', httpdPod('web'));
  const pod = await waitPod(client, 'web', 'Running and Ready', isRunningReady);
  const ip = pod.status!.podIP!;
  const [, prefix] = /^(\d+\.\d+\.\d+)\./.exec(kubelet.podCIDR)!;
  assert.ok(ip.startsWith(prefix + '.'), `pod IP ${ip} in ${kubelet.podCIDR}`);
  assert.equal(pod.status!.hostIP, '127.0.0.1');
  assert.equal(pod.status!.qosClass, 'BestEffort');
  const cs = pod.status!.containerStatuses![0];
  assert.equal(cs.ready, true);
  assert.equal(cs.restartCount, 0);
  assert.match(cs.containerID ?? '', /^docker:\/\/[0-9a-f]{64}$/);
  // Docker: the pause container holds the IP, the app container joined its namespace.
  const containers = await nodeContainers(kubelet.nodeName, [`io.kubernetes.pod.uid=${pod.metadata.uid}`]);
  const pause = containers.find((c) => c.Labels['io.kubernetes.container.name'] === 'POD')!;
  const app = containers.find((c) => c.Labels['io.kubernetes.container.name'] === 'web')!;
  const pauseInfo = await docker.getContainer(pause.Id).inspect();
  // Docker's `none` network: the kubelet plugged the pause container into its bridge with the IP it allocated.
  assert.equal(pauseInfo.HostConfig.NetworkMode, 'none');
  assert.equal(pause.Labels['io.kubelite.pod.ip'], ip);
  const appInfo = await docker.getContainer(app.Id).inspect();
  assert.equal(appInfo.HostConfig.NetworkMode, `container:${pause.Id}`);
  assert.equal(app.Labels['io.kubernetes.pod.namespace'], 'default');
  assert.equal(app.Labels['io.kubernetes.pod.name'], 'web');
  assert.equal(app.Labels['io.kubernetes.container.restartCount'], '0');
  const page = await httpGet(`http://${ip}:8080/`);
  assert.equal(page.status, 200);
  assert.equal(page.body.trim(), 'web');
  // /etc/hosts names the pod
  const exec = await docker.getContainer(app.Id).exec({ Cmd: ['cat', '/etc/hosts'], AttachStdout: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const hosts = await new Promise<string>((res) => { let s = ''; stream.on('data', (d: Buffer) => (s += d.toString())); stream.on('end', () => res(s)); });
  assert.match(hosts, new RegExp(`${ip.replace(/\./g, '\\.')}\\s+web`));
  // kubectl sees it the way a user would
  const out = await kubectl.ok(['get', 'pod', 'web', '-o', 'wide']);
  assert.match(out, /web\s+1\/1\s+Running\s+0/);
  assert.ok(out.includes(ip));
  // events from the kubelet
  const evs = await client.list<Event>(findResource('', 'v1', 'events')!, 'default');
  const reasons = evs.items.filter((e) => e.involvedObject.uid === pod.metadata.uid).map((e) => e.reason);
  for (const r of ['Pulled', 'Created', 'Started']) assert.ok(reasons.includes(r), `event ${r} in ${reasons.join(',')}`);
  const started = evs.items.find((e) => e.involvedObject.uid === pod.metadata.uid && e.reason === 'Started')!;
  assert.equal(started.source?.component, 'kubelet');
  assert.equal(started.source?.host, kubelet.nodeName);
  assert.equal(started.reportingComponent, 'kubelet');
  assert.equal(started.involvedObject.fieldPath, 'spec.containers{web}');
});

test('docker kill of the app container restarts it with restartCount 1', async () => {
  const before = await waitPod(client, 'web', 'Running and Ready', isRunningReady);
  const oldId = before.status!.containerStatuses![0].containerID!.replace('docker://', '');
  await docker.getContainer(oldId).kill();
  const after = await waitPod(client, 'web', 'restarted', (p) => {
    const cs = p.status?.containerStatuses?.[0];
    return !!cs && cs.restartCount === 1 && !!cs.state?.running && cs.containerID !== `docker://${oldId}`;
  });
  const cs = after.status!.containerStatuses![0];
  assert.equal(cs.lastState?.terminated?.exitCode, 137);
  assert.equal(cs.lastState?.terminated?.containerID, `docker://${oldId}`);
  // the pod keeps its IP: the sandbox was untouched
  assert.equal(after.status!.podIP, before.status!.podIP);
  const ready = await waitPod(client, 'web', 'Ready again', isRunningReady);
  assert.equal((await httpGet(`http://${ready.status!.podIP}:8080/`)).body.trim(), 'web');
  // the previous instance is kept for `logs --previous`
  const list = await nodeContainers(kubelet.nodeName, ['io.kubernetes.container.name=web', `io.kubernetes.pod.uid=${after.metadata.uid}`]);
  assert.deepEqual(list.map((c) => c.Labels['io.kubernetes.container.restartCount']).sort(), ['0', '1']);
});

test('a failing liveness probe restarts the container', async () => {
  await client.create(podsInfo, 'default', podManifest('live', kubelet.nodeName, {
    containers: [{
      name: 'app', image: BUSYBOX,
      command: ['sh', '-c', 'mkdir -p /tmp; echo ok > /tmp/healthy; sleep 2; rm /tmp/healthy; exec sleep 3600'],
      livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2 },
    }],
  }));
  const p = await waitPod(client, 'live', 'restarted by liveness', (x) => (x.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 30_000);
  const evs = await client.list<Event>(findResource('', 'v1', 'events')!, 'default');
  const mine = evs.items.filter((e) => e.involvedObject.uid === p.metadata.uid);
  assert.ok(mine.some((e) => e.reason === 'Unhealthy' && /Liveness probe failed/.test(e.message ?? '')), 'Unhealthy event');
  assert.ok(mine.some((e) => e.reason === 'Killing' && /failed liveness probe, will be restarted/.test(e.message ?? '')), 'Killing event');
  await client.delete(podsInfo, 'default', 'live', { gracePeriodSeconds: 0 });
});

test('a failing readiness probe turns Ready false and back', async () => {
  await client.create(podsInfo, 'default', podManifest('ready', kubelet.nodeName, {
    containers: [{
      name: 'app', image: BUSYBOX,
      command: ['sh', '-c', 'mkdir -p /tmp; echo ok > /tmp/ready; exec sleep 3600'],
      readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
    }],
  }));
  const p = await waitPod(client, 'ready', 'Ready', isRunningReady);
  const id = p.status!.containerStatuses![0].containerID!.replace('docker://', '');
  await dockerExec(id, ['rm', '/tmp/ready']);
  const notReady = await waitPod(client, 'ready', 'not Ready', (x) => x.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False');
  assert.equal(notReady.status!.phase, 'Running');
  assert.equal(notReady.status!.containerStatuses![0].ready, false);
  assert.equal(notReady.status!.containerStatuses![0].restartCount, 0);
  await dockerExec(id, ['sh', '-c', 'echo ok > /tmp/ready']);
  await waitPod(client, 'ready', 'Ready again', isRunningReady);
  await client.delete(podsInfo, 'default', 'ready', { gracePeriodSeconds: 0 });
});

test('kubectl delete pod removes its containers within the grace period', async () => {
  await client.create(podsInfo, 'default', podManifest('doomed', kubelet.nodeName, {
    terminationGracePeriodSeconds: 10,
    containers: [{ name: 'app', image: BUSYBOX, command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'] }],
  }));
  const p = await waitPod(client, 'doomed', 'Running', (x) => x.status?.phase === 'Running');
  const t0 = Date.now();
  await kubectl.ok(['delete', 'pod', 'doomed', '--wait=true', '--timeout=20s']);
  const took = Date.now() - t0;
  assert.equal(await getPod(client, 'doomed'), undefined);
  const left = await nodeContainers(kubelet.nodeName, [`io.kubernetes.pod.uid=${p.metadata.uid}`]);
  assert.equal(left.length, 0);
  assert.ok(took < 10_000, `deleted in ${took} ms, within the 10 s grace period`);
});

test('a container that ignores SIGTERM is killed once the grace period is over', async () => {
  await client.create(podsInfo, 'default', podManifest('stubborn', kubelet.nodeName, {
    terminationGracePeriodSeconds: 2,
    containers: [{ name: 'app', image: BUSYBOX, command: ['sh', '-c', 'trap "" TERM; while true; do sleep 0.2; done'] }],
  }));
  const p = await waitPod(client, 'stubborn', 'Running', (x) => x.status?.phase === 'Running');
  const t0 = Date.now();
  await client.delete(podsInfo, 'default', 'stubborn');
  await waitFor('pod gone', async () => (await getPod(client, 'stubborn')) === undefined, 15_000);
  const took = Date.now() - t0;
  assert.ok(took >= 1900 && took < 6000, `deleted in ${took} ms`);
  assert.equal((await nodeContainers(kubelet.nodeName, [`io.kubernetes.pod.uid=${p.metadata.uid}`])).length, 0);
});

test('a pod requesting privileged shows CreateContainerError with Docker\'s reason while other pods keep running', async () => {
  await client.create(podsInfo, 'default', podManifest('priv', kubelet.nodeName, {
    containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '3600'], securityContext: { privileged: true } }],
  }));
  const p = await waitPod(client, 'priv', 'CreateContainerError', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerError');
  const w = p.status!.containerStatuses![0].state!.waiting!;
  assert.ok((w.message ?? '').length > 10, `message: ${w.message}`);
  assert.equal(p.status!.phase, 'Pending');
  const evs = await client.list<Event>(findResource('', 'v1', 'events')!, 'default');
  assert.ok(evs.items.some((e) => e.involvedObject.uid === p.metadata.uid && e.reason === 'Failed' && e.type === 'Warning'));
  // the httpd pod is unaffected
  const web = await getPod(client, 'web');
  assert.ok(web && isRunningReady(web));
  assert.equal((await httpGet(`http://${web.status!.podIP}:8080/`)).body.trim(), 'web');
  await client.delete(podsInfo, 'default', 'priv', { gracePeriodSeconds: 0 });
});

test('kubectl logs (also --previous) and exec reach the kubelet\'s containers through the apiserver', async () => {
  await client.create(podsInfo, 'default', podManifest('talker', kubelet.nodeName, {
    volumes: [{ name: 'state', emptyDir: {} }],
    // The first run fails, the second stays up: one --previous log, a stable exec target.
    containers: [{
      name: 'app', image: BUSYBOX, volumeMounts: [{ name: 'state', mountPath: '/state' }],
      command: ['sh', '-c', 'echo hello from $(hostname) run; if [ -f /state/ran ]; then exec sleep 3600; fi; echo > /state/ran; sleep 1; exit 1'],
    }],
  }));
  await waitPod(client, 'talker', 'restarted once', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) === 1 && !!p.status?.containerStatuses?.[0]?.state?.running);
  assert.equal((await kubectl.ok(['logs', 'talker'])).trim(), 'hello from talker run');
  assert.equal((await kubectl.ok(['logs', 'talker', '--previous'])).trim(), 'hello from talker run');
  assert.equal((await kubectl.ok(['exec', 'talker', '--', 'hostname'])).trim(), 'talker');
  await client.delete(podsInfo, 'default', 'talker', { gracePeriodSeconds: 0 });
});

test('a killed sandbox is replaced and the pod\'s containers restart in the new one', async () => {
  await client.create(podsInfo, 'default', podManifest('sbx', kubelet.nodeName, {
    containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '3600'] }],
  }));
  const p = await waitPod(client, 'sbx', 'Running', (x) => x.status?.phase === 'Running');
  const pause = (await nodeContainers(kubelet.nodeName, [`io.kubernetes.pod.uid=${p.metadata.uid}`, 'io.kubernetes.container.name=POD']))[0];
  await docker.getContainer(pause.Id).kill();
  const after = await waitPod(client, 'sbx', 'running in a new sandbox', (x) =>
    x.status?.phase === 'Running' && x.status.containerStatuses?.[0]?.restartCount === 1 && !!x.status.containerStatuses[0].state?.running && !!x.status.podIP);
  const sandboxes = await nodeContainers(kubelet.nodeName, [`io.kubernetes.pod.uid=${p.metadata.uid}`, 'io.kubernetes.container.name=POD']);
  assert.equal(sandboxes.filter((c) => c.State === 'running').length, 1);
  assert.notEqual(sandboxes.find((c) => c.State === 'running')!.Id, pause.Id);
  assert.ok(after.status!.podIP);
  await client.delete(podsInfo, 'default', 'sbx', { gracePeriodSeconds: 0 });
});

test('restarting the kubelet restarts no container', async () => {
  const before = (await getPod(client, 'web'))!;
  const cs0 = before.status!.containerStatuses![0];
  const idsBefore = (await nodeContainers(kubelet.nodeName, [`io.kubernetes.pod.uid=${before.metadata.uid}`])).map((c) => `${c.Id}:${c.State}`).sort();
  await kubelet.stop();
  await kubelet.restart();
  // give the new kubelet a few sync rounds
  await new Promise((r) => setTimeout(r, 3000));
  const after = (await getPod(client, 'web'))!;
  const cs1 = after.status!.containerStatuses![0];
  assert.equal(cs1.containerID, cs0.containerID);
  assert.equal(cs1.restartCount, cs0.restartCount);
  assert.ok(isRunningReady(after));
  const idsAfter = (await nodeContainers(kubelet.nodeName, [`io.kubernetes.pod.uid=${before.metadata.uid}`])).map((c) => `${c.Id}:${c.State}`).sort();
  assert.deepEqual(idsAfter, idsBefore);
});

test('containers of a pod deleted while the kubelet was down are removed when it comes back', async () => {
  await client.create(podsInfo, 'default', podManifest('orphan', kubelet.nodeName, {
    containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '3600'] }],
  }));
  const p = await waitPod(client, 'orphan', 'Running', (x) => x.status?.phase === 'Running');
  await kubelet.stop();
  await client.delete(podsInfo, 'default', 'orphan', { gracePeriodSeconds: 0 });
  await kubelet.restart();
  await waitFor('orphan containers removed', async () =>
    (await nodeContainers(kubelet.nodeName, [`io.kubernetes.pod.uid=${p.metadata.uid}`])).length === 0, 20_000);
});

async function dockerExec(id: string, cmd: string[]): Promise<void> {
  const exec = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  await new Promise<void>((res) => { stream.on('end', () => res()); stream.on('close', () => res()); stream.resume(); });
}

export type { Pod };
