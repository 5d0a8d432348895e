// Issue "Foundation": the real kubectl against an apiserver running alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startApiserver, Kubectl, removeDir, waitFor, type Apiserver } from './harness.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { RestClient } from '../../client/rest.js';
import { watchStream } from '../../client/watch.js';
import { findResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/meta.js';

let api: Apiserver;
let kubectl: Kubectl;
let client: RestClient;
const pods = findResource('', 'v1', 'pods')!;
const deployments = findResource('apps', 'v1', 'deployments')!;

const manifest = (image: string) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
        env:
        - name: MODE
          value: demo
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 80
`;

before(async () => {
  api = await startApiserver();
  kubectl = await Kubectl.create(api.kubeconfig);
  client = new RestClient(loadKubeconfig({ path: api.kubeconfig }));
});

after(async () => {
  await api?.stop();
  await kubectl?.cleanup();
  if (api) await removeDir(api.dataDir);
});

test('apply creates a Deployment and a Service, re-apply changes only the image (strategic merge)', async () => {
  const file = join(api.dataDir, 'web.yaml');
  await writeFile(file, manifest('nginx:1.25'));
  const out = await kubectl.ok(['apply', '-f', file]);
  assert.match(out, /deployment.apps\/web created/);
  assert.match(out, /service\/web created/);
  const d1 = await client.get(deployments, 'default', 'web');
  await writeFile(file, manifest('nginx:1.26'));
  const out2 = await kubectl.ok(['apply', '-f', file]);
  assert.match(out2, /deployment.apps\/web configured/);
  assert.match(out2, /service\/web unchanged/);
  const d2 = await client.get(deployments, 'default', 'web') as { spec: { template: { spec: { containers: Array<{ image: string; env: unknown; ports: unknown }> } } }; metadata: { generation: number } };
  const c = d2.spec.template.spec.containers[0];
  assert.equal(c.image, 'nginx:1.26');
  assert.deepEqual(c.env, [{ name: 'MODE', value: 'demo' }]);
  assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
  assert.equal(d2.metadata.generation, (d1.metadata.generation ?? 1) + 1);
});

test('get deploy,svc,pods -o wide prints server-side tables', async () => {
  const out = await kubectl.ok(['get', 'deploy,svc,pods', '-o', 'wide']);
  assert.match(out, /NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR/);
  assert.match(out, /deployment.apps\/web\s+0\/2\s+0\s+0\s+\S+\s+nginx\s+nginx:1.26\s+app=web/);
  assert.match(out, /NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR/);
  assert.match(out, /service\/kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP/);
  assert.match(out, /service\/web\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+\S+\s+app=web/);
});

test('get pods -w prints a pod created by another client within a second', async () => {
  const watcher = kubectl.spawn(['get', 'pods', '-w']);
  let output = '';
  watcher.stdout!.on('data', (d) => (output += d));
  let errOutput = '';
  watcher.stderr!.on('data', (d) => (errOutput += d));
  try {
    // kubectl has listed and started watching once the (empty) list printed or a second passed
    await waitFor('kubectl watch to start', () => output.length > 0 || errOutput.length > 0 || undefined, 3000).catch(() => undefined);
    const created = Date.now();
    await client.create(pods, 'default', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'watched' }, spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    await waitFor('pod in watch output', () => /watched\s+0\/1\s+Pending/.test(output), 5000, 10);
    assert.ok(Date.now() - created < 1000, `watch event took ${Date.now() - created} ms`);
  } finally {
    watcher.kill();
  }
});

test('describe shows the deployment', async () => {
  const out = await kubectl.ok(['describe', 'deployment', 'web']);
  assert.match(out, /Name:\s+web/);
  assert.match(out, /Selector:\s+app=web/);
  assert.match(out, /Image:\s+nginx:1.26/);
});

test('scale deploy --replicas=5 goes through the scale subresource', async () => {
  assert.match(await kubectl.ok(['scale', 'deploy', 'web', '--replicas=5']), /deployment.apps\/web scaled/);
  const d = await client.get(deployments, 'default', 'web') as { spec: { replicas: number } };
  assert.equal(d.spec.replicas, 5);
  assert.match(await kubectl.ok(['scale', 'deploy', 'web', '--current-replicas=5', '--replicas=3']), /scaled/);
  assert.equal((await client.get(deployments, 'default', 'web') as { spec: { replicas: number } }).spec.replicas, 3);
});

test('create deployment (protobuf body) and create namespace', async () => {
  assert.match(await kubectl.ok(['create', 'deployment', 'y', '--image=busybox', '--replicas=2']), /deployment.apps\/y created/);
  const y = await client.get(deployments, 'default', 'y') as { spec: { replicas: number; selector: unknown; template: { spec: { containers: Array<{ image: string }> } } } };
  assert.equal(y.spec.replicas, 2);
  assert.deepEqual(y.spec.selector, { matchLabels: { app: 'y' } });
  assert.equal(y.spec.template.spec.containers[0].image, 'busybox');
  assert.match(await kubectl.ok(['create', 'namespace', 'team-a']), /namespace\/team-a created/);
  assert.match(await kubectl.ok(['get', 'ns', 'team-a']), /team-a\s+Active/);
  const dup = await kubectl.run(['create', 'namespace', 'team-a']);
  assert.notEqual(dup.code, 0);
  assert.match(dup.stderr, /Error from server \(AlreadyExists\): namespaces "team-a" already exists/);
});

test('label and patch --type=json', async () => {
  assert.match(await kubectl.ok(['label', 'deployment', 'y', 'tier=backend']), /labeled/);
  assert.match(await kubectl.ok(['get', 'deploy', '-l', 'tier=backend', '-o', 'name']), /deployment.apps\/y/);
  await kubectl.ok(['patch', 'deployment', 'y', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":4}]']);
  assert.equal((await client.get(deployments, 'default', 'y') as { spec: { replicas: number } }).spec.replicas, 4);
  const bad = await kubectl.run(['patch', 'deployment', 'y', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":9}]']);
  assert.notEqual(bad.code, 0);
});

test('apply --server-side creates and updates with field ownership', async () => {
  const file = join(api.dataDir, 'ssa.yaml');
  await writeFile(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n  b: "2"\n');
  assert.match(await kubectl.ok(['apply', '--server-side', '-f', file]), /configmap\/settings serverside-applied/);
  await writeFile(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "3"\n');
  await kubectl.ok(['apply', '--server-side', '-f', file]);
  // kubectl hides managedFields, so read them with the REST client
  const cm = await client.get(findResource('', 'v1', 'configmaps')!, 'default', 'settings') as unknown as { data: Record<string, string>; metadata: { managedFields: Array<{ manager: string; operation: string }> } };
  assert.deepEqual(cm.data, { a: '3' });
  assert.ok(cm.metadata.managedFields.some((m) => m.manager === 'kubectl' && m.operation === 'Apply'));
});

test('a watch with omitManagedFields=true gets objects without managedFields; other watches and reads keep them', async () => {
  const configmaps = findResource('', 'v1', 'configmaps')!;
  const ctl = new AbortController();
  // from a resourceVersion, so the watches see the writes below however late they connect
  const { resourceVersion } = (await client.list(configmaps, 'default')).metadata;
  const firstModified = async (omitManagedFields: boolean) => {
    for await (const ev of watchStream<KubeObject>(client, configmaps, 'default', { resourceVersion, omitManagedFields, signal: ctl.signal })) {
      const obj = ev.object as KubeObject;
      if (ev.type === 'MODIFIED' && obj.metadata.name === 'lean') return obj;
    }
    throw new Error('watch ended');
  };
  const lean = firstModified(true);
  const whole = firstModified(false);
  try {
    await client.create(configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'lean' }, data: { a: '1', b: '1' } }, { fieldManager: 'maker' });
    await client.patch(configmaps, 'default', 'lean', { data: { a: '2' } }, 'merge', { fieldManager: 'patcher' });
    const [l, w] = await Promise.all([lean, whole]);
    assert.deepEqual(w.metadata.managedFields?.map((e) => e.manager), ['maker', 'patcher']);
    assert.equal(l.metadata.managedFields, undefined);
    assert.equal('managedFields' in l.metadata, false);
    const { managedFields: _, ...rest } = w.metadata;
    assert.deepEqual(l, { ...w, metadata: rest });
    const got = await client.get(configmaps, 'default', 'lean');
    assert.deepEqual(got, w);
  } finally {
    ctl.abort();
  }
});

test('api-resources lists every kind with short names', async () => {
  const out = await kubectl.ok(['api-resources']);
  for (const re of [/deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/, /pods\s+po\s+v1\s+true\s+Pod/,
    /services\s+svc\s+v1\s+true\s+Service/, /horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler/,
    /nodes\s+no\s+v1\s+false\s+Node/, /leases\s+coordination.k8s.io\/v1\s+true\s+Lease/, /cronjobs\s+cj\s+batch\/v1\s+true\s+CronJob/]) {
    assert.match(out, re);
  }
});

test('delete waits until the object is gone', async () => {
  assert.match(await kubectl.ok(['delete', 'deployment', 'y']), /deployment.apps "y" deleted/);
  const r = await kubectl.run(['get', 'deployment', 'y']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Error from server \(NotFound\): deployments.apps "y" not found/);
  assert.match(await kubectl.ok(['delete', '-f', join(api.dataDir, 'web.yaml')]), /service "web" deleted/);
});

test('errors come back as Status: not found, invalid with every cause', async () => {
  const nf = await kubectl.run(['get', 'pod', 'nope']);
  assert.equal(nf.code, 1);
  assert.match(nf.stderr, /Error from server \(NotFound\): pods "nope" not found/);
  const file = join(api.dataDir, 'bad.yaml');
  await writeFile(file, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: Bad_Name\nspec:\n  selector:\n    matchLabels: {app: a}\n  template:\n    metadata:\n      labels: {app: b}\n    spec:\n      containers:\n      - name: c\n');
  const inv = await kubectl.run(['create', '-f', file]);
  assert.notEqual(inv.code, 0);
  assert.match(inv.stderr, /is invalid/);
  assert.match(inv.stderr, /metadata.name/);
  assert.match(inv.stderr, /image/);
  assert.match(inv.stderr, /selector/);
});

test('a typo in a manifest is refused like Kubernetes (fieldValidation=Strict)', async () => {
  const file = join(api.dataDir, 'typo.yaml');
  await writeFile(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\ndatta:\n  a: "1"\n');
  const r = await kubectl.run(['apply', '-f', file]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /strict decoding error: unknown field "datta"/);
  const nf = await kubectl.run(['get', 'cm', 'typo']);
  assert.match(nf.stderr, /NotFound/);
  // with validation off the unknown field is dropped, as Kubernetes does
  await kubectl.ok(['apply', '--validate=false', '-f', file]);
  const cm = await client.get(findResource('', 'v1', 'configmaps')!, 'default', 'typo');
  assert.equal((cm as Record<string, unknown>).datta, undefined);
});
