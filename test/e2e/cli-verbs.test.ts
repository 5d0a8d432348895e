// kubelite's kubectl-like verbs against a real apiserver (no kubelet needed),
// with the real kubectl as the reference for output.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { startApiserver, Kubectl, KUBELITE, run, removeDir, tempDir, waitFor, sleep, type Apiserver, type RunResult } from './harness.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/meta.js';

let api: Apiserver;
let kubectl: Kubectl;
let client: RestClient;
let dir: string;

const deployments = findResource('apps', 'v1', 'deployments')!;
const replicasets = findResource('apps', 'v1', 'replicasets')!;
const nodes = findResource('', 'v1', 'nodes')!;
const pods = findResource('', 'v1', 'pods')!;

/** kubelite with the test's kubeconfig from $KUBECONFIG. */
function kl(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return run(process.execPath, [KUBELITE, ...args], { ...opts, env: { KUBECONFIG: api.kubeconfig, ...opts.env } });
}

async function ok(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const r = await kl(args, opts);
  assert.equal(r.code, 0, `kubelite ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

/**
 * Ages tick between the two requests (kubelite starts slower than kubectl), so
 * their digits are zeroed; a change of width still fails, hence the retries.
 */
function maskAges(s: string): string {
  return s.replace(/\b(?:\d+[smhdy])+\b/g, (m) => m.replace(/\d/g, '0'));
}

/** The same command through kubelite and kubectl prints the same. */
async function sameAsKubectl(args: string[]): Promise<void> {
  let last = '';
  for (let i = 0; i < 5; i++) {
    const [a, b] = await Promise.all([kl(args), kubectl.run(args)]);
    if (maskAges(a.stdout) === maskAges(b.stdout) && a.code === b.code) return;
    last = `kubelite:\n${a.stdout}${a.stderr}\nkubectl:\n${b.stdout}${b.stderr}`;
    await sleep(300);
  }
  assert.fail(`outputs differ for ${args.join(' ')}\n${last}`);
}

before(async () => {
  api = await startApiserver();
  kubectl = await Kubectl.create(api.kubeconfig);
  client = new RestClient(loadKubeconfig({ path: api.kubeconfig }));
  dir = await tempDir('cli-verbs');
});

after(async () => {
  client?.close();
  await api?.stop();
  await kubectl?.cleanup();
  if (dir) await removeDir(dir);
  if (api && !process.env.KUBELITE_KEEP_TEST_DIRS) await removeDir(api.dataDir);
});

test('version, cluster-info, api-resources', async () => {
  const v = await ok(['version']);
  assert.match(v, /^Client Version: v\S+\nServer Version: v1\.32\.0-kubelite\n$/);
  assert.equal(JSON.parse(await ok(['version', '--client', '-o', 'json'])).serverVersion, undefined);
  const info = await ok(['cluster-info']);
  assert.match(info, new RegExp(`^Kubernetes control plane is running at https://127\\.0\\.0\\.1:${api.port}\n`));
  await sameAsKubectl(['api-resources']);
  await sameAsKubectl(['api-resources', '-o', 'wide']);
  await sameAsKubectl(['api-resources', '--namespaced=false']);
});

test('run, create and the generators', async () => {
  assert.equal(await ok(['run', 'web', '--image=nginx', '--port=80', '--labels=app=web,tier=fe']), 'pod/web created\n');
  assert.equal(await ok(['run', 'plain', '--image=busybox', '--env=A=1', '--', 'sleep', '3600']), 'pod/plain created\n');
  const plain = await client.get(pods, 'default', 'plain');
  assert.deepEqual(plain.metadata.labels, { run: 'plain' });
  assert.deepEqual((plain.spec as { containers: Array<{ args?: string[] }> }).containers[0].args, ['sleep', '3600']);
  assert.equal(await ok(['run', 'many', '--image=nginx', '--replicas=3']), 'deployment.apps/many created\n');
  assert.equal(await ok(['create', 'deployment', 'api', '--image=nginx:1.25', '--replicas=2', '--port=8080']), 'deployment.apps/api created\n');
  assert.equal(await ok(['create', 'service', 'nodeport', 'api-np', '--tcp=80:8080']), 'service/api-np created\n');
  assert.equal(await ok(['create', 'configmap', 'cfg', '--from-literal=mode=prod', '--from-literal=level=2']), 'configmap/cfg created\n');
  assert.equal(await ok(['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret']), 'secret/creds created\n');
  assert.equal(await ok(['create', 'namespace', 'team-a']), 'namespace/team-a created\n');
  assert.equal(await ok(['create', 'job', 'once', '--image=busybox', '--', 'echo', 'hi']), 'job.batch/once created\n');
  assert.equal(await ok(['-n', 'team-a', 'create', 'configmap', 'in-ns', '--from-literal=a=b']), 'configmap/in-ns created\n');
  assert.equal((await client.get(findResource('', 'v1', 'configmaps')!, 'team-a', 'in-ns')).metadata.namespace, 'team-a');
  const secret = await client.get(findResource('', 'v1', 'secrets')!, 'default', 'creds');
  assert.equal(Buffer.from((secret.data as Record<string, string>).password, 'base64').toString(), 's3cret');
  // the generators print what kubectl's print
  for (const g of [
    ['create', 'deployment', 'x', '--image=nginx', '--replicas=2', '--port=80'],
    ['create', 'service', 'clusterip', 'x', '--tcp=80:8080'],
    ['create', 'configmap', 'x', '--from-literal=a=b'],
    ['run', 'x', '--image=nginx', '--port=80', '--env=A=1'],
    ['expose', 'deployment', 'api', '--port=80', '--target-port=8080', '--type=NodePort'],
  ]) {
    await sameAsKubectl([...g, '--dry-run=client', '-o', 'yaml']);
  }
  const dup = await kl(['create', 'deployment', 'api', '--image=nginx']);
  assert.equal(dup.code, 1);
  assert.equal(dup.stderr, 'Error from server (AlreadyExists): deployments.apps "api" already exists\n');
});

test('get: tables, every -o form, selectors, several kinds — as kubectl prints them', async () => {
  await sameAsKubectl(['get', 'pods']);
  await sameAsKubectl(['get', 'pods', '-o', 'wide']);
  await sameAsKubectl(['get', 'pods', '-A', '--show-labels']);
  await sameAsKubectl(['get', 'pods', '-L', 'app,tier', '--no-headers']);
  await sameAsKubectl(['get', 'deploy,svc']);
  await sameAsKubectl(['get', 'deploy/api', 'svc/api-np']);
  await sameAsKubectl(['get', 'all']);
  await sameAsKubectl(['get', 'pods', '-l', 'app=web']);
  await sameAsKubectl(['get', 'pods', '--field-selector', 'metadata.name=plain']);
  await sameAsKubectl(['get', 'ns']);
  await sameAsKubectl(['get', 'deploy', 'api', '-o', 'yaml']);
  await sameAsKubectl(['get', 'pods', '-o', 'json']);
  await sameAsKubectl(['get', 'all', '-o', 'name']);
  await sameAsKubectl(['get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.spec.containers[0].image}{"\\n"}{end}']);
  await sameAsKubectl(['get', 'deploy', '-o', 'custom-columns=NAME:.metadata.name,IMAGES:.spec.template.spec.containers[*].image,REPLICAS:.spec.replicas']);
  const none = await kl(['get', 'pods', '-l', 'app=none']);
  assert.equal(none.code, 0);
  assert.equal(none.stderr, 'No resources found in default namespace.\n');
});

test('get -w: the list, then a row per change', async () => {
  const child = spawn(process.execPath, [KUBELITE, 'get', 'pods', '-w', '-l', 'watch=me'], { env: { ...process.env, KUBECONFIG: api.kubeconfig } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  try {
    await sleep(1500);
    await ok(['run', 'watched', '--image=nginx', '--labels=watch=me']);
    await waitFor('the new pod in the watch', () => /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nwatched\s+0\/1\s+Pending\s+0\s+\d+s\n/.test(out), 10_000, 50);
    await ok(['label', 'pod', 'watched', 'x=1']);
    await waitFor('the change', () => out.split('\n').filter((l) => l.startsWith('watched')).length >= 2, 10_000, 50);
  } finally {
    child.kill();
  }
});

test('apply: create, unchanged, configured (three-way), server-side; the annotation kubectl writes', async () => {
  const file = join(dir, 'app.yaml');
  const manifest = (image: string, withSidecar: boolean, tier: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: applied
  labels: {app: applied, tier: ${tier}}
spec:
  replicas: 2
  selector: {matchLabels: {app: applied}}
  template:
    metadata: {labels: {app: applied}}
    spec:
      containers:
      - name: main
        image: ${image}
        env: [{name: A, value: "1"}${withSidecar ? ', {name: B, value: "2"}' : ''}]
${withSidecar ? '      - name: side\n        image: busybox\n' : ''}---
apiVersion: v1
kind: ConfigMap
metadata: {name: applied-cfg}
data: {k: v}
`;
  await writeFile(file, manifest('nginx:1.25', true, 'web'));
  assert.equal(await ok(['apply', '-f', file]), 'deployment.apps/applied created\nconfigmap/applied-cfg created\n');
  assert.equal(await ok(['apply', '-f', file]), 'deployment.apps/applied unchanged\nconfigmap/applied-cfg unchanged\n');
  // the same manifest through kubectl in another namespace records the same annotation
  await kubectl.ok(['create', 'namespace', 'ref']);
  await kubectl.ok(['apply', '-n', 'ref', '-f', file]);
  const ours = (await client.get(deployments, 'default', 'applied')).metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
  const theirs = (await client.get(deployments, 'ref', 'applied')).metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
  assert.equal(ours?.replace('"namespace":"default"', '"namespace":"ref"'), theirs);

  await writeFile(file, manifest('nginx:1.26', false, 'api'));
  assert.equal(await ok(['apply', '-f', file]), 'deployment.apps/applied configured\nconfigmap/applied-cfg unchanged\n');
  const live = await client.get(deployments, 'default', 'applied');
  const spec = live.spec as { replicas: number; template: { spec: { containers: Array<{ name: string; image: string; env?: unknown[] }> } } };
  assert.deepEqual(spec.template.spec.containers.map((c) => [c.name, c.image, c.env]), [['main', 'nginx:1.26', [{ name: 'A', value: '1' }]]]);
  assert.equal(live.metadata.labels?.tier, 'api');
  // a field dropped from the config is removed (back to its default)...
  await writeFile(file, manifest('nginx:1.26', false, 'api').replace('  replicas: 2\n', ''));
  assert.equal(await ok(['apply', '-f', file]), 'deployment.apps/applied configured\nconfigmap/applied-cfg unchanged\n');
  assert.equal(((await client.get(deployments, 'default', 'applied')).spec as { replicas: number }).replicas, 1);
  // ...while one the config never had, set by someone else (scale), survives later applies
  await ok(['scale', 'deploy/applied', '--replicas=4']);
  await writeFile(file, manifest('nginx:1.27', false, 'api').replace('  replicas: 2\n', ''));
  assert.equal(await ok(['apply', '-f', file]), 'deployment.apps/applied configured\nconfigmap/applied-cfg unchanged\n');
  assert.equal(((await client.get(deployments, 'default', 'applied')).spec as { replicas: number }).replicas, 4);

  const stdin = await ok(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-stdin}\ndata: {a: "1"}\n' });
  assert.equal(stdin, 'configmap/from-stdin created\n');
  const ssa = await ok(['apply', '--server-side', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: "1"}\n' });
  assert.equal(ssa, 'configmap/ssa serverside-applied\n');
  const cm = await client.get(findResource('', 'v1', 'configmaps')!, 'default', 'ssa');
  assert.ok(cm.metadata.managedFields?.some((m) => m.manager === 'kubelite' && m.operation === 'Apply'));
  await mkdir(join(dir, 'tree'));
  await writeFile(join(dir, 'tree', 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dir-a}\n');
  await writeFile(join(dir, 'tree', 'b.json'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dir-b' } }));
  assert.equal(await ok(['apply', '-f', join(dir, 'tree')]), 'configmap/dir-a created\nconfigmap/dir-b created\n');
});

test('describe: pods, deployments (with their ReplicaSets), services, namespaces — as kubectl', async () => {
  const d = await client.get(deployments, 'default', 'api');
  const rs = await client.create(replicasets, 'default', {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name: 'api-abc123', labels: { app: 'api', 'pod-template-hash': 'abc123' }, annotations: { 'deployment.kubernetes.io/revision': '1' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      replicas: 2, selector: { matchLabels: { app: 'api', 'pod-template-hash': 'abc123' } },
      template: { ...(d.spec as { template: { metadata: { labels: Record<string, string> } } }).template, metadata: { labels: { app: 'api', 'pod-template-hash': 'abc123' } } },
    },
  } as KubeObject);
  await client.create(pods, 'default', {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'api-abc123-x1', labels: { app: 'api', 'pod-template-hash': 'abc123' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-abc123', uid: rs.metadata.uid!, controller: true }] },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] },
  } as KubeObject);
  await sameAsKubectl(['describe', 'pod', 'web']);
  await sameAsKubectl(['describe', 'pod', 'api-abc123-x1']);
  await sameAsKubectl(['describe', 'deploy', 'api']);
  await sameAsKubectl(['describe', 'rs', 'api-abc123']);
  await sameAsKubectl(['describe', 'svc', 'api-np']);
  await sameAsKubectl(['describe', 'ns', 'team-a']);
  await sameAsKubectl(['describe', 'pods', '-l', 'app=web']);
  const text = await ok(['describe', 'deploy/api']);
  assert.match(text, /^NewReplicaSet:\s+api-abc123 \(0\/2 replicas created\)$/m);
  assert.match(await ok(['describe', 'pod', 'api-abc']), /^Controlled By:\s+ReplicaSet\/api-abc123$/m);
});

test('label and annotate (merge patches), scale, set image, expose', async () => {
  assert.equal(await ok(['label', 'pod', 'web', 'env=prod']), 'pod/web labeled\n');
  const again = await kl(['label', 'pod', 'web', 'env=dev']);
  assert.equal(again.code, 1);
  assert.equal(again.stderr, "error: 'env' already has a value (prod), and --overwrite is false\n");
  assert.equal(await ok(['label', 'pod', 'web', 'env=dev', '--overwrite', 'tier-']), 'pod/web labeled\n');
  assert.deepEqual((await client.get(pods, 'default', 'web')).metadata.labels, { app: 'web', env: 'dev' });
  assert.equal(await ok(['annotate', 'deploy/api', 'owner=team-a']), 'deployment.apps/api annotated\n');
  assert.equal(await ok(['annotate', 'deploy/api', 'owner-']), 'deployment.apps/api annotated\n');
  assert.equal((await client.get(deployments, 'default', 'api')).metadata.annotations?.owner, undefined);
  assert.equal(await ok(['label', 'pods', '--all', 'swept=yes']), (await kubectl.ok(['get', 'pods', '-o', 'name'])).split('\n').filter(Boolean).map((n) => `${n} labeled\n`).join(''));

  assert.equal(await ok(['scale', 'deploy/api', '--replicas=5']), 'deployment.apps/api scaled\n');
  assert.equal(((await client.get(deployments, 'default', 'api')).spec as { replicas: number }).replicas, 5);
  assert.equal(await ok(['scale', 'deployment', 'api', '--replicas=1', '--current-replicas=5']), 'deployment.apps/api scaled\n');
  const pre = await kl(['scale', 'deployment', 'api', '--replicas=3', '--current-replicas=5']);
  assert.equal(pre.code, 1);
  assert.equal(pre.stderr, 'error: Expected replicas to be 5, was 1\n');

  assert.equal(await ok(['set', 'image', 'deploy/api', 'nginx=nginx:1.27']), 'deployment.apps/api image updated\n');
  const spec = (await client.get(deployments, 'default', 'api')).spec as { template: { spec: { containers: Array<{ image: string; ports?: unknown[] }> } } };
  assert.equal(spec.template.spec.containers[0].image, 'nginx:1.27');
  assert.deepEqual(spec.template.spec.containers[0].ports, [{ containerPort: 8080, protocol: 'TCP' }]);

  assert.equal(await ok(['expose', 'deployment', 'api', '--port=80', '--target-port=8080', '--name=api-svc']), 'service/api-svc exposed\n');
  const svc = await client.get(findResource('', 'v1', 'services')!, 'default', 'api-svc');
  assert.deepEqual((svc.spec as { selector: unknown }).selector, { app: 'api' });
  assert.equal(await ok(['expose', 'pod/web', '--port=8000', '--type=NodePort']), 'service/web exposed\n');
  assert.equal(((await client.get(findResource('', 'v1', 'services')!, 'default', 'web')).spec as { type: string }).type, 'NodePort');

  assert.equal(await ok(['autoscale', 'deploy/api', '--min=1', '--max=4', '--cpu-percent=60']), 'horizontalpodautoscaler.autoscaling/api autoscaled\n');
  await sameAsKubectl(['get', 'hpa']);
});

test('rollout: status from the deployment status, history and undo from its ReplicaSets, pause/resume/restart', async () => {
  await ok(['create', 'deployment', 'roll', '--image=nginx:1.25', '--replicas=2']);
  let d = await client.get(deployments, 'default', 'roll');
  const mkRS = (rev: number, image: string, hash: string) => client.create(replicasets, 'default', {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name: `roll-${hash}`, labels: { app: 'roll', 'pod-template-hash': hash }, annotations: { 'deployment.kubernetes.io/revision': String(rev) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'roll', uid: d.metadata.uid!, controller: true }],
    },
    spec: { replicas: 0, selector: { matchLabels: { app: 'roll', 'pod-template-hash': hash } },
      template: { metadata: { labels: { app: 'roll', 'pod-template-hash': hash } }, spec: { containers: [{ name: 'nginx', image }] } } },
  } as KubeObject);
  await mkRS(1, 'nginx:1.24', 'aaa1');
  await mkRS(2, 'nginx:1.25', 'bbb2');
  await sameAsKubectl(['rollout', 'history', 'deploy/roll']);
  await sameAsKubectl(['rollout', 'history', 'deploy/roll', '--revision=1']);

  // status follows the object: waiting, then done once the (simulated) controller reports
  const child = spawn(process.execPath, [KUBELITE, 'rollout', 'status', 'deploy/roll', '--timeout=20s'], { env: { ...process.env, KUBECONFIG: api.kubeconfig } });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  await waitFor('a waiting line', () => out.includes('Waiting for'), 10_000, 50);
  d = await client.get(deployments, 'default', 'roll');
  await client.updateStatus(deployments, 'default', { ...d, status: { observedGeneration: d.metadata.generation, replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1 } });
  await waitFor('progress', () => out.includes('Waiting for deployment "roll" rollout to finish: 1 of 2 updated replicas are available...'), 10_000, 50);
  d = await client.get(deployments, 'default', 'roll');
  await client.updateStatus(deployments, 'default', { ...d, status: { observedGeneration: d.metadata.generation, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 } });
  assert.equal(await exited, 0);
  assert.ok(out.endsWith('deployment "roll" successfully rolled out\n'), out);
  const timeout = await kl(['rollout', 'status', 'deploy/api', '--timeout=1s']);
  assert.equal(timeout.code, 1);
  assert.match(timeout.stderr, /^error: timed out waiting for the condition\n$/);

  assert.equal(await ok(['rollout', 'undo', 'deploy/roll', '--to-revision=1']), 'deployment.apps/roll rolled back\n');
  const undone = await client.get(deployments, 'default', 'roll');
  assert.equal((undone.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0].image, 'nginx:1.24');
  assert.equal(await ok(['rollout', 'pause', 'deploy/roll']), 'deployment.apps/roll paused\n');
  const twice = await kl(['rollout', 'pause', 'deploy/roll']);
  assert.equal(twice.stderr, 'error: deployments.apps "roll" is already paused\n');
  assert.equal(await ok(['rollout', 'resume', 'deploy/roll']), 'deployment.apps/roll resumed\n');
  assert.equal(await ok(['rollout', 'restart', 'deploy/roll']), 'deployment.apps/roll restarted\n');
  const restarted = await client.get(deployments, 'default', 'roll');
  assert.match((restarted.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations['kubectl.kubernetes.io/restartedAt'], /^\d{4}-\d\d-\d\dT/);
});

test('delete waits until the object is gone; --wait=false does not; -l, --all, -f', async () => {
  await client.create(findResource('', 'v1', 'configmaps')!, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } } as KubeObject);
  const child = spawn(process.execPath, [KUBELITE, 'delete', 'configmap', 'held'], { env: { ...process.env, KUBECONFIG: api.kubeconfig } });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  await waitFor('the delete line', () => out === 'configmap "held" deleted\n', 10_000, 50);
  await sleep(1000);
  assert.equal(child.exitCode, null, 'delete returned while the object still existed');
  await client.patch(findResource('', 'v1', 'configmaps')!, 'default', 'held', { metadata: { finalizers: null } }, 'merge');
  assert.equal(await exited, 0);

  await client.create(findResource('', 'v1', 'configmaps')!, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held2', finalizers: ['example.com/hold'] } } as KubeObject);
  assert.equal(await ok(['delete', 'cm', 'held2', '--wait=false']), 'configmap "held2" deleted\n');
  await client.patch(findResource('', 'v1', 'configmaps')!, 'default', 'held2', { metadata: { finalizers: null } }, 'merge');

  assert.equal(await ok(['delete', 'deploy,svc', '-l', 'app=applied']), 'deployment.apps "applied" deleted\n');
  assert.equal(await ok(['delete', '-f', join(dir, 'tree')]), 'configmap "dir-a" deleted\nconfigmap "dir-b" deleted\n');
  assert.equal(await ok(['delete', 'deploy/many', 'svc/api-np']), 'deployment.apps "many" deleted\nservice "api-np" deleted\n');
  const missing = await kl(['delete', 'pod', 'missing']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'Error from server (NotFound): pods "missing" not found\n');
  assert.equal((await kl(['delete', 'pod', 'missing', '--ignore-not-found'])).code, 0);
  assert.match(await ok(['-n', 'team-a', 'delete', 'cm', '--all']), /configmap "in-ns" deleted\n/);
});

test('edit: the editor changes the object; a rejected save reopens with the error', async () => {
  const editor = join(dir, 'edit.sh');
  await writeFile(editor, '#!/bin/sh\nsed -i "s/level: \\"2\\"/level: \\"3\\"/" "$1"\n');
  await chmod(editor, 0o755);
  assert.equal(await ok(['edit', 'configmap', 'cfg'], { env: { EDITOR: editor } }), 'configmap/cfg edited\n');
  assert.equal(((await client.get(findResource('', 'v1', 'configmaps')!, 'default', 'cfg')).data as Record<string, string>).level, '3');
  assert.equal(await ok(['edit', 'cm/cfg'], { env: { EDITOR: 'true' } }), 'Edit cancelled, no changes made.\n');

  // first save invalid, then fixed in the reopened file, which carries the error
  const fixer = join(dir, 'fix.sh');
  const seen = join(dir, 'seen.txt');
  await writeFile(fixer, `#!/bin/sh
if grep -q 'was not valid' "$1"; then grep '^#' "$1" > ${seen}; sed -i 's/replicas: -1/replicas: 2/' "$1"; else sed -i 's/replicas: 1/replicas: -1/' "$1"; fi
`);
  await chmod(fixer, 0o755);
  const r = await kl(['edit', 'deploy', 'api'], { env: { KUBE_EDITOR: fixer } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'deployment.apps/api edited\n');
  assert.match(await readFile(seen, 'utf8'), /# deployments\.apps "api" was not valid:\n# \* spec\.replicas: Invalid value: -1: must be greater than or equal to 0\n/);
  assert.equal(((await client.get(deployments, 'default', 'api')).spec as { replicas: number }).replicas, 2);
});

test('cordon, uncordon, drain', async () => {
  await client.create(nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { pool: 'a' } } } as KubeObject);
  assert.equal(await ok(['cordon', 'n1']), 'node/n1 cordoned\n');
  assert.equal(await ok(['cordon', 'n1']), 'node/n1 already cordoned\n');
  await sameAsKubectl(['get', 'nodes']);
  assert.equal(await ok(['uncordon', 'n1']), 'node/n1 uncordoned\n');
  assert.equal(((await client.get(nodes, undefined, 'n1')).spec as { unschedulable?: boolean } | undefined)?.unschedulable, undefined);

  await client.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'on-n1' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } } as KubeObject);
  const blocked = await kl(['drain', 'n1']);
  assert.equal(blocked.code, 1);
  assert.match(blocked.stderr, /cannot delete Pods that declare no controller \(use --force to override\): default\/on-n1/);
  const drained = await ok(['drain', 'n1', '--force', '--grace-period=0', '--timeout=20s']);
  assert.equal(drained, 'node/n1 already cordoned\npod/on-n1 deleted\nnode/n1 drained\n');
  await assert.rejects(client.get(pods, 'default', 'on-n1'));
});

test('config: view, get-contexts, current-context, use-context', async () => {
  await sameAsKubectl(['config', 'view']);
  await sameAsKubectl(['config', 'view', '--minify', '-o', 'json']);
  await sameAsKubectl(['config', 'get-contexts']);
  await sameAsKubectl(['config', 'current-context']);
  const copy = join(dir, 'kubeconfig');
  const doc = parseYaml(await readFile(api.kubeconfig, 'utf8')) as { contexts: unknown[] };
  doc.contexts.push({ name: 'other', context: { cluster: 'kubelite', user: 'kubelite-admin', namespace: 'team-a' } });
  await writeFile(copy, stringifyYaml(doc));
  assert.equal(await ok(['config', 'use-context', 'other', '--kubeconfig', copy]), 'Switched to context "other".\n');
  assert.equal(await ok(['config', 'current-context'], { env: { KUBECONFIG: copy } }), 'other\n');
  // the context's namespace is the default namespace
  const inContext = await kl(['get', 'cm'], { env: { KUBECONFIG: copy } });
  assert.equal(inContext.stderr, 'No resources found in team-a namespace.\n');
  const nope = await kl(['config', 'use-context', 'nope', '--kubeconfig', copy]);
  assert.equal(nope.code, 1);
  assert.equal(nope.stderr, 'error: no context exists with the name: "nope"\n');
  assert.equal(await ok(['get', 'cm', 'cfg', '--context', 'kubelite', '--kubeconfig', copy, '-o', 'name']), 'configmap/cfg\n');
  const noContext = await kl(['get', 'pods', '--context', 'nope']);
  assert.equal(noContext.stderr, 'error: context was not found for specified context: nope\n');
});

test('errors: one line, exit 1, no stack trace — like kubectl', async () => {
  for (const args of [
    ['get', 'nope'],
    ['get', 'deploy', 'missing'],
    ['get', 'pods', 'missing', '-o', 'yaml'],
    ['describe', 'svc', 'missing'],
    ['scale', 'deploy/missing', '--replicas=1'],
  ]) {
    const [a, b] = await Promise.all([kl(args), kubectl.run(args)]);
    assert.equal(a.code, 1, args.join(' '));
    assert.equal(a.stderr, b.stderr, args.join(' '));
    assert.equal(a.stderr.split('\n').length, 2, a.stderr);
  }
  const invalid = await kl(['create', 'deployment', 'bad', '--image=nginx', '--replicas=-1']);
  assert.equal(invalid.code, 1);
  assert.equal(invalid.stderr, 'The Deployment "bad" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n');
  const down = await kl(['get', 'pods', '--server', 'https://127.0.0.1:1', '--insecure-skip-tls-verify']);
  assert.equal(down.code, 1);
  assert.equal(down.stderr, 'The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?\n');
  const usage = await kl(['scale', 'deploy/api']);
  assert.equal(usage.code, 1);
  assert.equal(usage.stderr, 'error: required flag(s) "replicas" not set\n');
  for (const r of [invalid, down, usage]) assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('help on every verb, and shell completion', async () => {
  for (const verb of ['get', 'describe', 'apply', 'delete', 'run', 'expose', 'scale', 'logs', 'exec', 'port-forward', 'edit', 'drain']) {
    const h = await ok([verb, '--help']);
    assert.match(h, /Examples:\n {2}kubelite /, verb);
  }
  const r = await run('bash', ['-c', `source <(${process.execPath} ${KUBELITE} completion bash) && complete -p kubelite`]);
  assert.equal(r.stdout, 'complete -o default -F _kubelite kubelite\n', r.stderr);
});
