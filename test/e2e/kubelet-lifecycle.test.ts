// Issue "kubelet": restart policies and CrashLoopBackOff, image pull errors,
// lifecycle hooks, and static pods with their mirror pods.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiserver, removeDir, waitFor, type Apiserver } from './harness.js';
import {
  adminClient, BUSYBOX, ensureImages, getPod, isRunningReady, nodeContainers, podManifest, podsInfo, startKubelet, waitPod, type KubeletProc,
} from './kubelet-harness.js';
import { findResource } from '../../api/resources.js';
import type { Event } from '../../api/types/index.js';
import type { RestClient } from '../../client/rest.js';

let api: Apiserver;
let kubelet: KubeletProc;
let client: RestClient;
let manifests: string;
let hostDir: string;
const eventsInfo = findResource('', 'v1', 'events')!;

before(async () => {
  await ensureImages();
  api = await startApiserver();
  client = adminClient(api);
  manifests = await mkdtemp(join(tmpdir(), 'kubelite-e2e-manifests-'));
  hostDir = await mkdtemp(join(tmpdir(), 'kubelite-e2e-hooks-'));
  kubelet = await startKubelet(api, { manifestDir: manifests });
});

after(async () => {
  await kubelet?.cleanup();
  client?.close();
  await api?.stop();
  if (api) await removeDir(api.dataDir);
  if (manifests) await rm(manifests, { recursive: true, force: true });
  if (hostDir) await rm(hostDir, { recursive: true, force: true });
});

async function eventsOf(uid: string | undefined): Promise<Event[]> {
  const list = await client.list<Event>(eventsInfo, 'default');
  return list.items.filter((e) => e.involvedObject.uid === uid);
}

test('a crashing container goes into CrashLoopBackOff; the pod stays Running', async () => {
  await client.create(podsInfo, 'default', podManifest('crash', kubelet.nodeName, {
    containers: [{ name: 'app', image: BUSYBOX, command: ['sh', '-c', 'echo bye; exit 1'] }],
  }));
  const p = await waitPod(client, 'crash', 'CrashLoopBackOff', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff', 30_000);
  const cs = p.status!.containerStatuses![0];
  assert.ok(cs.restartCount >= 1);
  assert.equal(cs.lastState?.terminated?.exitCode, 1);
  assert.match(cs.state!.waiting!.message ?? '', /^back-off 10s restarting failed container=app pod=crash_default/);
  assert.equal(p.status!.phase, 'Running');
  assert.ok((await eventsOf(p.metadata.uid)).some((e) => e.reason === 'BackOff' && e.type === 'Warning'));
  // only the newest instance and the one before it are kept
  const list = await nodeContainers(kubelet.nodeName, [`io.kubernetes.pod.uid=${p.metadata.uid}`, 'io.kubernetes.container.name=app']);
  assert.ok(list.length <= 2, `${list.length} instances kept`);
  await client.delete(podsInfo, 'default', 'crash', { gracePeriodSeconds: 0 });
});

test('restartPolicy OnFailure: a clean exit completes the pod', async () => {
  await client.create(podsInfo, 'default', podManifest('job', kubelet.nodeName, {
    restartPolicy: 'OnFailure',
    containers: [{ name: 'app', image: BUSYBOX, command: ['sh', '-c', 'echo done'] }],
  }));
  const p = await waitPod(client, 'job', 'Succeeded', (x) => x.status?.phase === 'Succeeded');
  assert.equal(p.status!.containerStatuses![0].state?.terminated?.reason, 'Completed');
  assert.equal(p.status!.containerStatuses![0].restartCount, 0);
  // the sandbox is stopped, the container kept for its logs
  await waitFor('sandbox stopped', async () => {
    const list = await nodeContainers(kubelet.nodeName, [`io.kubernetes.pod.uid=${p.metadata.uid}`]);
    return list.every((c) => c.State !== 'running') && list.some((c) => c.Labels['io.kubernetes.container.name'] === 'app');
  }, 10_000);
  await client.delete(podsInfo, 'default', 'job');
  await waitFor('completed pod deleted', async () => (await getPod(client, 'job')) === undefined, 10_000);
});

test('image errors: ErrImageNeverPull, and ErrImagePull turning into ImagePullBackOff', async () => {
  await client.create(podsInfo, 'default', podManifest('never', kubelet.nodeName, {
    containers: [{ name: 'app', image: 'kubelite.local/does-not-exist:1', imagePullPolicy: 'Never' }],
  }));
  const never = await waitPod(client, 'never', 'ErrImageNeverPull', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImageNeverPull');
  assert.match(never.status!.containerStatuses![0].state!.waiting!.message!, /is not present with pull policy of Never/);
  // A registry on a closed loopback port: the pull fails fast and stays on this machine.
  await client.create(podsInfo, 'default', podManifest('pullfail', kubelet.nodeName, {
    containers: [{ name: 'app', image: '127.0.0.1:1/nope:1', imagePullPolicy: 'IfNotPresent' }],
  }));
  const seen = new Set<string>();
  await waitPod(client, 'pullfail', 'ImagePullBackOff', (x) => {
    const r = x.status?.containerStatuses?.[0]?.state?.waiting?.reason;
    if (r) seen.add(r);
    return r === 'ImagePullBackOff';
  }, 40_000);
  assert.ok(seen.has('ErrImagePull') || seen.has('ImagePullBackOff'));
  const p = (await getPod(client, 'pullfail'))!;
  const evs = await eventsOf(p.metadata.uid);
  assert.ok(evs.some((e) => e.reason === 'Failed' && /Failed to pull image "127.0.0.1:1\/nope:1"/.test(e.message ?? '')), evs.map((e) => e.reason).join());
  assert.ok(evs.some((e) => e.reason === 'BackOff' && /Back-off pulling image/.test(e.message ?? '')));
  await client.delete(podsInfo, 'default', 'never', { gracePeriodSeconds: 0 });
  await client.delete(podsInfo, 'default', 'pullfail', { gracePeriodSeconds: 0 });
});

test('postStart runs after start; preStop runs before the container is stopped', async () => {
  const marker = join(hostDir, 'prestop');
  await client.create(podsInfo, 'default', podManifest('hooks', kubelet.nodeName, {
    terminationGracePeriodSeconds: 5,
    volumes: [{ name: 'host', hostPath: { path: hostDir } }],
    containers: [{
      name: 'app', image: BUSYBOX, command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'],
      volumeMounts: [{ name: 'host', mountPath: '/host' }],
      lifecycle: {
        postStart: { exec: { command: ['sh', '-c', 'echo started > /host/poststart'] } },
        preStop: { exec: { command: ['sh', '-c', 'echo stopping > /host/prestop'] } },
      },
    }],
  }));
  await waitPod(client, 'hooks', 'Running', (x) => x.status?.phase === 'Running');
  await waitFor('postStart ran', async () => (await readFile(join(hostDir, 'poststart'), 'utf8').catch(() => '')).trim() === 'started', 10_000);
  await client.delete(podsInfo, 'default', 'hooks');
  await waitFor('pod gone', async () => (await getPod(client, 'hooks')) === undefined, 15_000);
  assert.equal((await readFile(marker, 'utf8')).trim(), 'stopping');
});

test('static pods run from the manifest dir and are mirrored; a deleted mirror comes back; a changed manifest replaces the pod', async () => {
  const file = join(manifests, 'static-web.yaml');
  const manifest = (msg: string) => `apiVersion: v1
kind: Pod
metadata:
  name: static-web
  labels: {app: static}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: ${BUSYBOX}
    command: ["sh", "-c", "echo ${msg} > /dev/termination-log; exec sleep 3600"]
`;
  await writeFile(file, manifest('v1'));
  const mirrorName = `static-web-${kubelet.nodeName}`;
  const mirror = await waitPod(client, mirrorName, 'mirrored and Running', (p) => isRunningReady(p), 30_000);
  assert.ok(mirror.metadata.annotations?.['kubernetes.io/config.mirror']);
  const staticUid = mirror.metadata.annotations!['kubernetes.io/config.mirror'];
  const c1 = await nodeContainers(kubelet.nodeName, [`io.kubernetes.pod.uid=${staticUid}`, 'io.kubernetes.container.name=web']);
  assert.equal(c1.length, 1);
  assert.equal(c1[0].Labels['io.kubernetes.pod.name'], mirrorName);

  // Deleting the mirror does not stop the static pod; the mirror comes back.
  await client.delete(podsInfo, 'default', mirrorName, { gracePeriodSeconds: 0 });
  const again = await waitPod(client, mirrorName, 'recreated', (p) => p.metadata.uid !== mirror.metadata.uid && isRunningReady(p), 30_000);
  assert.equal(again.metadata.annotations?.['kubernetes.io/config.mirror'], staticUid);
  const c2 = await nodeContainers(kubelet.nodeName, [`io.kubernetes.pod.uid=${staticUid}`, 'io.kubernetes.container.name=web']);
  assert.equal(c2[0].Id, c1[0].Id);

  // A changed manifest is a new pod: new containers, old ones removed, the mirror follows.
  await writeFile(file, manifest('v2'));
  const changed = await waitPod(client, mirrorName, 'replaced', (p) => p.metadata.annotations?.['kubernetes.io/config.mirror'] !== staticUid && isRunningReady(p), 30_000);
  const newUid = changed.metadata.annotations!['kubernetes.io/config.mirror'];
  await waitFor('old static containers removed', async () => (await nodeContainers(kubelet.nodeName, [`io.kubernetes.pod.uid=${staticUid}`])).length === 0, 15_000);

  // Removing the manifest removes the pod and its mirror.
  await unlink(file);
  await waitFor('mirror deleted', async () => (await getPod(client, mirrorName)) === undefined, 30_000);
  await waitFor('static containers removed', async () => (await nodeContainers(kubelet.nodeName, [`io.kubernetes.pod.uid=${newUid}`])).length === 0, 15_000);
});
