// Issue 6, `kubelite image load`: an image built only in the host's Docker is copied
// through the apiserver to a node whose kubelet uses a second dockerd (so the copy is
// real), where a pod with imagePullPolicy Never runs it. A second load is skipped as
// already present; a missing local image, an unknown node and an unreachable kubelet
// each give one error line and a non-zero exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KUBELITE, removeDir, run, startApiserver, tempDir, type Apiserver } from './harness.js';
import { loadImages, startDockerd, type ExtraDockerd } from './extra-dockerd.js';
import { adminClient, docker, ensureImages, podManifest, podsInfo, startKubelet, waitPod, type KubeletProc } from './kubelet-harness.js';

const PAUSE = 'kubelite.local/pause:3.9';

/** A tiny image with a content of its own (so its ID is unique): busybox plus /e2e-id. */
async function buildUniqueImage(tag: string, id: string): Promise<string> {
  const dir = await tempDir('image-load-rootfs');
  try {
    await mkdir(join(dir, 'bin'));
    await copyFile('/bin/busybox', join(dir, 'bin', 'busybox'));
    for (const applet of ['sh', 'cat', 'sleep']) await symlink('busybox', join(dir, 'bin', applet));
    await writeFile(join(dir, 'e2e-id'), `${id}\n`);
    const r = await run('sh', ['-c', `tar -C '${dir}' -c . | docker import -c 'CMD ["/bin/sh"]' - '${tag}'`]);
    if (r.code !== 0) throw new Error(`docker import: ${r.stderr}`);
  } finally {
    await removeDir(dir);
  }
  return (await docker.getImage(tag).inspect()).Id;
}

const load = (api: Apiserver, args: string[]) => run(KUBELITE, ['image', 'load', ...args, '--kubeconfig', api.kubeconfig], { timeoutMs: 120_000 });

/** The end of a process log, for failure messages. */
const tail = async (file: string | undefined): Promise<string> =>
  file ? (await readFile(file, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n') : '';

const imageIdIn = (d: ExtraDockerd, ref: string): Promise<string | undefined> =>
  d.docker.getImage(ref).inspect().then((i) => i.Id, () => undefined);

test('image load copies a local image to a node with its own Docker, where a Never-pull pod runs it', { timeout: 240_000 }, async (t) => {
  const id = randomBytes(4).toString('hex');
  const t0 = Date.now();
  const phase = (what: string) => t.diagnostic(`${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const image = `kubelite.local/e2e-load-${id}:v1`;
  let api: Apiserver | undefined;
  let dockerd: ExtraDockerd | undefined;
  let kubelet: KubeletProc | undefined;
  const client = { current: undefined as ReturnType<typeof adminClient> | undefined };
  try {
    await ensureImages();
    const localId = await buildUniqueImage(image, id);
    api = await startApiserver();
    client.current = adminClient(api);
    // A node with a Docker of its own (in a private network namespace), so the copy is real.
    dockerd = await startDockerd({ id: `image-load-${id}` });
    await loadImages(dockerd, [PAUSE]);
    assert.equal(await imageIdIn(dockerd, image), undefined, 'the node Docker starts without the image');
    kubelet = await startKubelet(api, { extraArgs: ['--docker-host', dockerd.host] });
    phase('node ready');
    const node = kubelet.nodeName;

    const first = await load(api, [image]);
    phase('first load done');
    assert.equal(first.code, 0, `stdout: ${first.stdout}\nstderr: ${first.stderr}\napiserver: ${await tail(api.proc.logFile)}\nkubelet: ${await tail(kubelet.logFile)}`);
    assert.match(first.stdout, new RegExp(`^image ${image.replace(/[.]/g, '\\.')} loaded on ${node} \\(\\d+(\\.\\d+)? (B|kB|MB), \\d+\\.\\d s\\)\\n$`));
    assert.equal(first.stderr, '');
    assert.equal(await imageIdIn(dockerd, image), localId, 'the node Docker has the image under the same ID');

    // same ID already there: skipped; --node names the node explicitly
    const again = await load(api, [image, '--node', node]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, `image ${image} already present on ${node} (same ID)\n`);

    const pod = podManifest(`load-${id}`, node, {
      containers: [{ name: 'c', image, imagePullPolicy: 'Never', command: ['/bin/sh', '-c', 'cat /e2e-id && exec sleep 3600'] }],
    });
    await client.current.create(podsInfo, 'default', pod);
    await waitPod(client.current, pod.metadata.name!, 'Running', (p) => p.status?.phase === 'Running', 60_000);
    const log = await client.current.request<string>({ method: 'GET', path: `/api/v1/namespaces/default/pods/${pod.metadata.name}/log`, accept: '*/*' });
    assert.equal(String(log).trim(), id, 'the container runs the loaded image');
    phase('pod ran the loaded image');

    const missing = await load(api, [`kubelite.local/e2e-missing-${id}:v1`]);
    assert.notEqual(missing.code, 0);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /^error: image "kubelite\.local\/e2e-missing-\w+:v1" not present locally[^\n]*\n$/);

    const unknown = await load(api, [image, '--node', `bogus-${id}`]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, new RegExp(`^error: node "bogus-${id}" not found \\(nodes: ${node}\\)\\n$`));

    // the kubelet is gone: the node cannot be reached (the status check before any save says so)
    await kubelet.stop();
    const down = await load(api, [image]);
    assert.notEqual(down.code, 0);
    assert.equal(down.stdout, '');
    assert.match(down.stderr, new RegExp(`^error: image \\S+ not loaded on ${node}: Get "https://127\\.0\\.0\\.1:${kubelet.grpcPort}/images/status": dial tcp [^\\n]*connection refused\\n$`));
    phase('error cases done');
  } finally {
    client.current?.close();
    await kubelet?.cleanup().catch(() => undefined);
    if (dockerd && kubelet) {
      const nodeName = kubelet.nodeName;
      const list = await dockerd.docker.listContainers({ all: true, filters: { label: [`io.kubelite.node=${nodeName}`] } }).catch(() => []);
      for (const c of list) await dockerd.docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
      // dockerd keeps a network's bridge device when it stops; removing the network takes it away
      await dockerd.docker.getNetwork(`kubelite-${nodeName}`).remove().catch(() => undefined);
      await dockerd.docker.getImage(image).remove({ force: true }).catch(() => undefined);
    }
    await dockerd?.stop().catch(() => undefined);
    await docker.getImage(image).remove({ force: true }).catch(() => undefined);
    if (api) {
      await api.stop();
      await removeDir(api.dataDir);
    }
    phase('cleaned up');
  }
});
