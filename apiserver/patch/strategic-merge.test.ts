import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strategicMergePatch } from './strategic-merge.js';
import { PatchError } from './errors.js';
import { DEPLOYMENT_GVK, POD_GVK, SERVICE_GVK, at, deployment, pod, service } from './testdata.js';

const smp = (original: unknown, patch: unknown, gvk = DEPLOYMENT_GVK): unknown => strategicMergePatch(original, patch, gvk);
const containers = (obj: unknown): Record<string, unknown>[] =>
  at(obj, 'spec', 'template', 'spec', 'containers') as Record<string, unknown>[];

test('kubectl apply patch changes only the image and keeps every other container field', () => {
  const before = deployment();
  const patch = {
    spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ image: 'nginx:1.26', name: 'nginx' }] } } },
  };
  const out = smp(before, patch);
  const [c] = containers(out);
  assert.equal(c.image, 'nginx:1.26');
  assert.deepEqual(c.env, [{ name: 'MODE', value: 'prod' }, { name: 'LOG_LEVEL', value: 'info' }]);
  assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
  assert.deepEqual(c.resources, { limits: { cpu: '500m', memory: '128Mi' } });
  assert.equal(containers(out).length, 1);
  assert.equal(at(out, 'spec', 'replicas'), 2);
  assert.deepEqual(at(out, 'spec', 'template', 'spec', 'volumes'), [{ name: 'cache', emptyDir: {} }]);
  assert.equal(at(out, 'spec', 'template', 'spec', '$setElementOrder/containers'), undefined);
});

test('inputs are never mutated', () => {
  const before = deployment();
  const snapshot = structuredClone(before);
  const patch = { spec: { template: { spec: { containers: [{ name: 'nginx', $patch: 'delete' }] } } }, metadata: { labels: null } };
  const patchSnapshot = structuredClone(patch);
  smp(before, patch);
  assert.deepEqual(before, snapshot);
  assert.deepEqual(patch, patchSnapshot);
});

test('kubectl set image patch', () => {
  const out = smp(deployment(), { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } } });
  assert.equal(containers(out)[0].image, 'nginx:1.27');
  assert.equal((containers(out)[0].env as unknown[]).length, 2);
});

test('kubectl rollout restart adds a template annotation', () => {
  const patch = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-02T09:00:00Z' } } } } };
  const out = smp(deployment(), patch);
  assert.deepEqual(at(out, 'spec', 'template', 'metadata'), {
    labels: { app: 'web' },
    annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-02T09:00:00Z' },
  });
});

test('kubectl rollout pause / resume', () => {
  const paused = smp(deployment(), { spec: { paused: true } });
  assert.equal(at(paused, 'spec', 'paused'), true);
  assert.equal(at(paused, 'spec', 'replicas'), 2);
  assert.equal(at(smp(paused, { spec: { paused: null } }), 'spec', 'paused'), undefined);
});

test('client-side apply patch updates last-applied and deletes removed fields with null', () => {
  const patch = {
    metadata: {
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"apps/v1","kind":"Deployment"}\n' },
      labels: { tier: null },
    },
    spec: {
      replicas: 3,
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'nginx' }],
          containers: [
            {
              '$setElementOrder/env': [{ name: 'MODE' }],
              env: [{ name: 'LOG_LEVEL', $patch: 'delete' }],
              name: 'nginx',
              resources: null,
            },
          ],
        },
      },
    },
  };
  const out = smp(deployment(), patch);
  assert.deepEqual(at(out, 'metadata', 'labels'), { app: 'web' });
  assert.equal(
    at(out, 'metadata', 'annotations', 'kubectl.kubernetes.io/last-applied-configuration'),
    '{"apiVersion":"apps/v1","kind":"Deployment"}\n',
  );
  assert.equal(at(out, 'metadata', 'annotations', 'deployment.kubernetes.io/revision'), '1');
  assert.equal(at(out, 'spec', 'replicas'), 3);
  const [c] = containers(out);
  assert.deepEqual(c.env, [{ name: 'MODE', value: 'prod' }]);
  assert.equal(c.resources, undefined);
  assert.equal(c.image, 'nginx:1.25');
});

test('$patch: delete removes a list element by merge key', () => {
  const out = smp(pod(), { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } }, POD_GVK);
  assert.deepEqual((at(out, 'spec', 'containers') as { name: string }[]).map((c) => c.name), ['app']);
});

test('$patch: delete on a map empties it', () => {
  const out = smp(deployment(), { spec: { selector: { $patch: 'delete' } } });
  assert.deepEqual(at(out, 'spec', 'selector'), {});
});

test('$patch: replace replaces a list or a map', () => {
  const list = smp(deployment(), {
    spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'app', image: 'busybox' }] } } },
  });
  assert.deepEqual(containers(list), [{ name: 'app', image: 'busybox' }]);
  const map = smp(deployment(), { metadata: { labels: { $patch: 'replace', owner: 'team-a' } } });
  assert.deepEqual(at(map, 'metadata', 'labels'), { owner: 'team-a' });
});

test('$setElementOrder reorders the merged list', () => {
  const out = smp(pod(), { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }] } }, POD_GVK);
  assert.deepEqual((at(out, 'spec', 'containers') as { name: string }[]).map((c) => c.name), ['sidecar', 'app']);
});

test('$setElementOrder keeps server-only items in their place and appends new ones in order', () => {
  const original = pod();
  (original.spec as { containers: unknown[] }).containers.splice(1, 0, { name: 'injected', image: 'istio/proxy' });
  const patch = {
    spec: {
      '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }, { name: 'new' }],
      containers: [{ name: 'new', image: 'redis:7' }],
    },
  };
  const out = smp(original, patch, POD_GVK);
  assert.deepEqual((at(out, 'spec', 'containers') as { name: string }[]).map((c) => c.name), ['app', 'injected', 'sidecar', 'new']);
});

test('without $setElementOrder, new items go first in patch order (as Kubernetes does)', () => {
  const out = smp(pod(), { spec: { containers: [{ name: 'b', image: 'b' }, { name: 'a', image: 'a' }] } }, POD_GVK);
  assert.deepEqual((at(out, 'spec', 'containers') as { name: string }[]).map((c) => c.name), ['b', 'a', 'app', 'sidecar']);
});

test('finalizers are unioned; $deleteFromPrimitiveList removes entries', () => {
  const added = smp(pod(), { metadata: { finalizers: ['example.com/b', 'example.com/a'] } }, POD_GVK);
  assert.deepEqual(at(added, 'metadata', 'finalizers'), ['example.com/b', 'example.com/a']);
  const union = smp(pod(), { metadata: { finalizers: ['example.com/c'] } }, POD_GVK);
  assert.deepEqual(at(union, 'metadata', 'finalizers'), ['example.com/c', 'example.com/a']);
  const removed = smp(added, { metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/a'] } }, POD_GVK);
  assert.deepEqual(at(removed, 'metadata', 'finalizers'), ['example.com/b']);
  const ordered = smp(added, { metadata: { '$setElementOrder/finalizers': ['example.com/a', 'example.com/b'] } }, POD_GVK);
  assert.deepEqual(at(ordered, 'metadata', 'finalizers'), ['example.com/a', 'example.com/b']);
});

test('null deletes a field anywhere, and is ignored when absent', () => {
  const out = smp(deployment(), { spec: { strategy: null, nothere: null }, metadata: { annotations: null } });
  assert.equal(at(out, 'spec', 'strategy'), undefined);
  assert.equal(Object.hasOwn(at(out, 'spec') as object, 'nothere'), false);
  assert.equal(at(out, 'metadata', 'annotations'), undefined);
});

test('service ports merge by port', () => {
  const out = smp(service(), { spec: { ports: [{ port: 80, targetPort: 8081 }, { port: 443, targetPort: 8443, name: 'https' }] } }, SERVICE_GVK);
  assert.deepEqual(at(out, 'spec', 'ports'), [
    { name: 'http', port: 80, targetPort: 8081, protocol: 'TCP', nodePort: 30080 },
    { port: 443, targetPort: 8443, name: 'https' },
    { name: 'metrics', port: 9090, targetPort: 9090, protocol: 'TCP', nodePort: 30090 },
  ]);
  const del = smp(service(), { spec: { ports: [{ port: 9090, $patch: 'delete' }] } }, SERVICE_GVK);
  assert.deepEqual((at(del, 'spec', 'ports') as { name: string }[]).map((p) => p.name), ['http']);
});

test('container ports merge by containerPort, env by name, volumeMounts by mountPath', () => {
  const patch = {
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'nginx',
              ports: [{ containerPort: 443 }],
              env: [{ name: 'MODE', value: 'debug' }],
              volumeMounts: [{ mountPath: '/var/cache/nginx', readOnly: true }],
            },
          ],
        },
      },
    },
  };
  const [c] = containers(smp(deployment(), patch));
  assert.deepEqual(c.ports, [{ containerPort: 443 }, { containerPort: 80, protocol: 'TCP' }]);
  assert.deepEqual(c.env, [{ name: 'MODE', value: 'debug' }, { name: 'LOG_LEVEL', value: 'info' }]);
  assert.deepEqual(c.volumeMounts, [{ name: 'cache', mountPath: '/var/cache/nginx', readOnly: true }]);
});

test('lists without a merge strategy are replaced', () => {
  const out = smp(deployment(), {
    spec: { template: { spec: { tolerations: [{ operator: 'Exists' }], containers: [{ name: 'nginx', args: ['-g', 'daemon off;'] }] } } },
  });
  assert.deepEqual(at(out, 'spec', 'template', 'spec', 'tolerations'), [{ operator: 'Exists' }]);
  const cmd = smp(pod(), { spec: { containers: [{ name: 'app', command: ['sleep', '1'] }] } }, POD_GVK);
  assert.deepEqual(at(cmd, 'spec', 'containers', 0, 'command'), ['sleep', '1']);
});

test('$retainKeys clears the other members of a union (strategy RollingUpdate -> Recreate)', () => {
  const out = smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } });
  assert.deepEqual(at(out, 'spec', 'strategy'), { type: 'Recreate' });
  const vol = smp(deployment(), {
    spec: { template: { spec: { volumes: [{ name: 'cache', $retainKeys: ['configMap', 'name'], configMap: { name: 'cfg' } }] } } },
  });
  assert.deepEqual(at(vol, 'spec', 'template', 'spec', 'volumes'), [{ name: 'cache', configMap: { name: 'cfg' } }]);
});

test('nested pod specs resolve: CronJob jobTemplate and Pod spec', () => {
  const cronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'backup' },
    spec: {
      schedule: '0 * * * *',
      jobTemplate: { spec: { template: { spec: { containers: [{ name: 'backup', image: 'backup:1', args: ['--all'] }] } } } },
    },
  };
  const out = strategicMergePatch(
    cronJob,
    { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'backup', image: 'backup:2' }] } } } } } },
    { group: 'batch', version: 'v1', kind: 'CronJob' },
  );
  assert.deepEqual(at(out, 'spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers'), [
    { name: 'backup', image: 'backup:2', args: ['--all'] },
  ]);
});

test('status conditions merge by type', () => {
  const out = smp(pod(), { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, POD_GVK);
  assert.deepEqual(at(out, 'status', 'conditions'), [
    { type: 'Initialized', status: 'True' },
    { type: 'Ready', status: 'True' },
  ]);
  const node = { metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] } };
  const nodeOut = strategicMergePatch(
    node,
    { status: { conditions: [{ type: 'Ready', lastHeartbeatTime: '2024-05-01T10:00:00Z' }] } },
    { group: '', version: 'v1', kind: 'Node' },
  );
  assert.deepEqual(at(nodeOut, 'status', 'conditions'), [
    { type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: '2024-05-01T10:00:00Z' },
  ]);
});

test('ownerReferences merge by uid', () => {
  const original = { metadata: { name: 'rs', ownerReferences: [{ uid: 'u1', name: 'a', kind: 'Deployment', apiVersion: 'apps/v1' }] } };
  const out = strategicMergePatch(original, { metadata: { ownerReferences: [{ uid: 'u1', controller: true }] } }, {
    group: 'apps', version: 'v1', kind: 'ReplicaSet',
  });
  assert.deepEqual(at(out, 'metadata', 'ownerReferences'), [
    { uid: 'u1', name: 'a', kind: 'Deployment', apiVersion: 'apps/v1', controller: true },
  ]);
});

test('kinds without patch metadata behave like JSON merge (maps merge, lists replace)', () => {
  const cm = { metadata: { name: 'c' }, data: { a: '1', b: '2' }, list: [1, 2] };
  const out = strategicMergePatch(cm, { data: { b: null, c: '3' }, list: [3] }, { group: '', version: 'v1', kind: 'ConfigMap' });
  assert.deepEqual(out, { metadata: { name: 'c' }, data: { a: '1', c: '3' }, list: [3] });
});

test('directives inside brand-new subtrees are applied, not stored', () => {
  const bare = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } };
  const out = smp(bare, { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'a', image: 'a', env: null }] } } } });
  assert.deepEqual(at(out, 'spec'), { template: { spec: { containers: [{ name: 'a', image: 'a' }] } } });
});

test('malformed patches raise PatchError', () => {
  const err = (fn: () => unknown, status: number, re: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof PatchError && e.status === status && re.test(e.message));
  err(() => smp(deployment(), [1]), 400, /must be a JSON object/);
  err(() => smp(deployment(), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }), 422, /does not contain declared merge key: name/);
  err(() => smp(deployment(), { spec: { $patch: 'explode' } }), 400, /unknown patch type/);
  err(() => smp(deployment(), { spec: { '$setElementOrder/x': 'nope' } }), 400, /must be a list/);
  err(() => smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }), 400, /retainKeys/);
});
