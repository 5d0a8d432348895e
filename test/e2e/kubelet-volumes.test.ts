// Issue "kubelet": volumes, environment, hostPort, termination messages and init
// containers, checked inside the real containers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiserver, removeDir, freePort, waitFor, type Apiserver } from './harness.js';
import {
  adminClient, BUSYBOX, docker, ensureImages, getPod, httpGet, isRunningReady, nodeContainers, podManifest, podsInfo, startKubelet, waitPod, type KubeletProc,
} from './kubelet-harness.js';
import { findResource } from '../../api/resources.js';
import type { Pod } from '../../api/types/index.js';
import type { RestClient } from '../../client/rest.js';

let api: Apiserver;
let kubelet: KubeletProc;
let client: RestClient;
let hostDir: string;
const R = {
  configmaps: findResource('', 'v1', 'configmaps')!,
  secrets: findResource('', 'v1', 'secrets')!,
  pvs: findResource('', 'v1', 'persistentvolumes')!,
  pvcs: findResource('', 'v1', 'persistentvolumeclaims')!,
  events: findResource('', 'v1', 'events')!,
};

before(async () => {
  await ensureImages();
  api = await startApiserver();
  client = adminClient(api);
  kubelet = await startKubelet(api);
  hostDir = await mkdtemp(join(tmpdir(), 'kubelite-e2e-hostpath-'));
  await client.create(R.configmaps, 'default', {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' },
    data: { 'app.conf': 'color=blue\n', MODE: 'fast', other: 'x' },
  });
  await client.create(R.secrets, 'default', {
    apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app-secret' },
    data: { password: Buffer.from('hunter2').toString('base64') },
  });
});

after(async () => {
  await kubelet?.cleanup();
  client?.close();
  await api?.stop();
  if (api) await removeDir(api.dataDir);
  if (hostDir) await rm(hostDir, { recursive: true, force: true });
});

/** Runs a command in the pod's container and returns stdout+stderr. */
async function execIn(pod: Pod, container: string, cmd: string[]): Promise<string> {
  const cs = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((c) => c.name === container)!;
  const exec = await docker.getContainer(cs.containerID!.replace('docker://', '')).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = await new Promise<Buffer>((res) => {
    const chunks: Buffer[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d));
    stream.on('end', () => res(Buffer.concat(chunks)));
  });
  // strip Docker's 8-byte multiplexing headers
  let s = '';
  for (let off = 0; off + 8 <= out.length;) {
    const len = out.readUInt32BE(off + 4);
    s += out.subarray(off + 8, off + 8 + len).toString();
    off += 8 + len;
  }
  return s;
}

test('two containers share an emptyDir; configMap and secret volumes hold the right files', async () => {
  await client.create(podsInfo, 'default', podManifest('vols', kubelet.nodeName, {
    volumes: [
      { name: 'shared', emptyDir: {} },
      { name: 'mem', emptyDir: { medium: 'Memory' } },
      { name: 'cfg', configMap: { name: 'app-config', items: [{ key: 'app.conf', path: 'conf/app.conf' }] } },
      { name: 'sec', secret: { secretName: 'app-secret', defaultMode: 0o400 } },
      { name: 'host', hostPath: { path: join(hostDir, 'data'), type: 'DirectoryOrCreate' } },
      { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
    ],
    containers: [
      {
        name: 'writer', image: BUSYBOX,
        command: ['sh', '-c', 'echo from-writer > /shared/msg; echo mem > /mem/m; echo host > /host/h; exec sleep 3600'],
        volumeMounts: [{ name: 'shared', mountPath: '/shared' }, { name: 'mem', mountPath: '/mem' }, { name: 'host', mountPath: '/host' }],
      },
      {
        name: 'reader', image: BUSYBOX, command: ['sleep', '3600'],
        volumeMounts: [
          { name: 'shared', mountPath: '/data' }, { name: 'mem', mountPath: '/mem' },
          { name: 'cfg', mountPath: '/etc/app' }, { name: 'sec', mountPath: '/etc/secret' }, { name: 'info', mountPath: '/etc/info' },
        ],
      },
    ],
  }, { labels: { app: 'vols', tier: 'test' } }));
  const pod = await waitPod(client, 'vols', 'Running and Ready', isRunningReady);
  assert.equal((await execIn(pod, 'reader', ['cat', '/data/msg'])).trim(), 'from-writer');
  assert.equal((await execIn(pod, 'reader', ['cat', '/mem/m'])).trim(), 'mem');
  assert.match(await execIn(pod, 'reader', ['sh', '-c', 'cat /proc/mounts']), /tmpfs \/mem tmpfs/);
  assert.equal(await execIn(pod, 'reader', ['cat', '/etc/app/conf/app.conf']), 'color=blue\n');
  assert.match(await execIn(pod, 'reader', ['ls', '/etc/app']), /^conf\s*$/);
  assert.equal(await execIn(pod, 'reader', ['cat', '/etc/secret/password']), 'hunter2');
  assert.match(await execIn(pod, 'reader', ['ls', '-l', '/etc/secret/password']), /^-r--------/);
  assert.match(await execIn(pod, 'reader', ['sh', '-c', 'echo x > /etc/app/new 2>&1 || echo read-only']), /Read-only file system|read-only/);
  assert.equal(await execIn(pod, 'reader', ['cat', '/etc/info/labels']), 'app="vols"\ntier="test"');
  assert.equal((await readFile(join(hostDir, 'data', 'h'), 'utf8')).trim(), 'host');
  await client.delete(podsInfo, 'default', 'vols', { gracePeriodSeconds: 0 });
});

test('env from fieldRef, configMapKeyRef, secretKeyRef, envFrom and $(VAR) references', async () => {
  await client.create(podsInfo, 'default', podManifest('envs', kubelet.nodeName, {
    containers: [{
      name: 'app', image: BUSYBOX, command: ['sh', '-c', 'env > /dev/termination-log; exec sleep 3600'],
      envFrom: [{ configMapRef: { name: 'app-config' }, prefix: 'CM_' }],
      env: [
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'POD_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'TEAM', valueFrom: { fieldRef: { fieldPath: "metadata.labels['team']" } } },
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'MODE' } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'app-secret', key: 'password' } } },
        { name: 'MEM_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'URL', value: 'http://$(POD_IP):8080/$(POD_NAME)' },
      ],
      resources: { limits: { memory: '64Mi', cpu: '250m' } },
    }],
  }, { labels: { team: 'blue' } }));
  const pod = await waitPod(client, 'envs', 'Running', (p) => p.status?.phase === 'Running');
  const env = Object.fromEntries((await execIn(pod, 'app', ['env'])).trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  assert.equal(env.POD_NAME, 'envs');
  assert.equal(env.POD_NS, 'default');
  assert.equal(env.POD_IP, pod.status!.podIP);
  assert.equal(env.NODE, kubelet.nodeName);
  assert.equal(env.TEAM, 'blue');
  assert.equal(env.MODE, 'fast');
  assert.equal(env.CM_MODE, 'fast');
  assert.equal(env.PASSWORD, 'hunter2');
  assert.equal(env.MEM_LIMIT, '64');
  assert.equal(env.URL, `http://${pod.status!.podIP}:8080/envs`);
  assert.equal(pod.status!.qosClass, 'Guaranteed');
  // the limits reached Docker
  const info = await docker.getContainer(pod.status!.containerStatuses![0].containerID!.replace('docker://', '')).inspect();
  assert.equal(info.HostConfig.Memory, 64 * 1024 * 1024);
  assert.equal(info.HostConfig.CpuQuota, 25_000);
  assert.equal(info.HostConfig.CpuShares, 256);
  await client.delete(podsInfo, 'default', 'envs', { gracePeriodSeconds: 0 });
});

test('a missing configMap key keeps the container waiting with CreateContainerConfigError', async () => {
  await client.create(podsInfo, 'default', podManifest('badenv', kubelet.nodeName, {
    containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '3600'], env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'nope' } } }] }],
  }));
  const p = await waitPod(client, 'badenv', 'CreateContainerConfigError', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
  assert.equal(p.status!.containerStatuses![0].state!.waiting!.message, "couldn't find key nope in ConfigMap default/app-config");
  await client.delete(podsInfo, 'default', 'badenv', { gracePeriodSeconds: 0 });
});

test('a projected serviceAccountToken the apiserver cannot issue keeps the pod waiting with FailedMount, not an empty token', async () => {
  await client.create(podsInfo, 'default', podManifest('satoken', kubelet.nodeName, {
    containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '3600'], volumeMounts: [{ name: 'api', mountPath: '/var/run/secrets/api' }] }],
    volumes: [{ name: 'api', projected: { sources: [{ serviceAccountToken: { path: 'token' } }, { configMap: { name: 'app-config', items: [{ key: 'MODE', path: 'mode' }] } }] } }],
  }));
  const failed = await waitFor('a FailedMount event for satoken', async () => {
    const evs = await client.list(R.events, 'default', { fieldSelector: 'involvedObject.name=satoken' });
    return evs.items.find((e) => (e as { reason?: string }).reason === 'FailedMount') as { message?: string } | undefined;
  }, 30_000, 200);
  assert.match(failed.message ?? '', /^MountVolume\.SetUp failed for volume "api" : failed to fetch token: /);
  const p = await getPod(client, 'satoken');
  assert.notEqual(p?.status?.phase, 'Running');
  assert.equal(p?.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? 'ContainerCreating', 'ContainerCreating');
  assert.deepEqual(await nodeContainers(kubelet.nodeName, ['io.kubernetes.pod.name=satoken', 'io.kubernetes.container.name=app']), [], 'no app container was created');
  await client.delete(podsInfo, 'default', 'satoken', { gracePeriodSeconds: 0 });
});

test('a PVC bound to a hostPath PV mounts the PV directory', async () => {
  const pvPath = join(hostDir, 'pv1');
  await client.create(R.pvs, undefined, {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: `pv-${kubelet.nodeName}` },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: pvPath }, storageClassName: 'manual' },
  });
  await client.create(R.pvcs, 'default', {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'claim' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeName: `pv-${kubelet.nodeName}`, storageClassName: 'manual' },
  });
  // No PV controller runs here: bind the claim the way it would.
  await client.patch(R.pvcs, 'default', 'claim', { status: { phase: 'Bound' } }, 'merge', { subresource: 'status' });
  await client.create(podsInfo, 'default', podManifest('pvc', kubelet.nodeName, {
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'claim' } }],
    containers: [{ name: 'app', image: BUSYBOX, command: ['sh', '-c', 'echo persisted > /data/f; exec sleep 3600'], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
  }));
  await waitPod(client, 'pvc', 'Running', (p) => p.status?.phase === 'Running');
  const { waitFor } = await import('./harness.js');
  await waitFor('file on the PV', async () => (await readFile(join(pvPath, 'f'), 'utf8').catch(() => '')).trim() === 'persisted', 10_000);
  await client.delete(podsInfo, 'default', 'pvc', { gracePeriodSeconds: 0 });
});

test('hostPort publishes on the node', async () => {
  const port = await freePort();
  await client.create(podsInfo, 'default', podManifest('hp', kubelet.nodeName, {
    containers: [{
      name: 'web', image: BUSYBOX, command: ['sh', '-c', 'mkdir -p /www && echo hostport > /www/index.html && exec httpd -f -p 8080 -h /www'],
      ports: [{ containerPort: 8080, hostPort: port, hostIP: '127.0.0.1' }],
      readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
    }],
  }));
  await waitPod(client, 'hp', 'Ready', isRunningReady);
  assert.equal((await httpGet(`http://127.0.0.1:${port}/`)).body.trim(), 'hostport');
  await client.delete(podsInfo, 'default', 'hp', { gracePeriodSeconds: 0 });
});

test('init containers run in order before the app; termination messages are reported', async () => {
  await client.create(podsInfo, 'default', podManifest('init', kubelet.nodeName, {
    restartPolicy: 'Never',
    volumes: [{ name: 'work', emptyDir: {} }],
    initContainers: [
      { name: 'first', image: BUSYBOX, command: ['sh', '-c', 'echo one > /work/order'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
      { name: 'second', image: BUSYBOX, command: ['sh', '-c', 'echo two >> /work/order'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
    ],
    containers: [
      { name: 'main', image: BUSYBOX, command: ['sh', '-c', 'cat /work/order | tr "\\n" " " > /dev/termination-log; exit 0'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
      { name: 'fails', image: BUSYBOX, command: ['sh', '-c', 'echo something broke; exit 3'], terminationMessagePolicy: 'FallbackToLogsOnError' },
    ],
  }));
  const p = await waitPod(client, 'init', 'Failed', (x) => x.status?.phase === 'Failed');
  assert.deepEqual(p.status!.initContainerStatuses!.map((s) => [s.name, s.state?.terminated?.reason, s.ready]), [['first', 'Completed', true], ['second', 'Completed', true]]);
  const main = p.status!.containerStatuses!.find((s) => s.name === 'main')!;
  assert.equal(main.state?.terminated?.exitCode, 0);
  assert.equal(main.state?.terminated?.message, 'one two ');
  const fails = p.status!.containerStatuses!.find((s) => s.name === 'fails')!;
  assert.equal(fails.state?.terminated?.exitCode, 3);
  assert.equal(fails.state?.terminated?.reason, 'Error');
  assert.equal(fails.state?.terminated?.message?.trim(), 'something broke');
  assert.equal(p.status!.conditions!.find((c) => c.type === 'Initialized')!.status, 'True');
  await client.delete(podsInfo, 'default', 'init', { gracePeriodSeconds: 0 });
});
