import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerNameFor, deploymentFor, parseKeyValues, parseTcpPorts, podFor, runDeploymentFor, serviceFor } from './generators.js';
import { exposedService } from './expose.js';
import { toYaml } from './output.js';

test('create deployment: what kubectl --dry-run=client -o yaml prints', () => {
  assert.equal(toYaml(deploymentFor({ name: 'd1', images: ['nginx:1.25'], replicas: 2, port: 80 })), [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  creationTimestamp: null',
    '  labels:',
    '    app: d1',
    '  name: d1',
    'spec:',
    '  replicas: 2',
    '  selector:',
    '    matchLabels:',
    '      app: d1',
    '  strategy: {}',
    '  template:',
    '    metadata:',
    '      creationTimestamp: null',
    '      labels:',
    '        app: d1',
    '    spec:',
    '      containers:',
    '      - image: nginx:1.25',
    '        name: nginx',
    '        ports:',
    '        - containerPort: 80',
    '        resources: {}',
    'status: {}',
    '',
  ].join('\n'));
  assert.equal(containerNameFor('registry.local:5000/team/app@sha256:abc'), 'app');
});

test('run: a pod labelled run=<name>, or a deployment with --replicas', () => {
  const pod = podFor({ name: 'x', image: 'busybox', args: ['sh', '-c', 'echo hi'], command: true, env: { A: '1' }, restart: 'Never' });
  assert.deepEqual(pod.metadata.labels, { run: 'x' });
  assert.deepEqual((pod.spec as { containers: Array<Record<string, unknown>> }).containers[0], {
    image: 'busybox', name: 'x', resources: {}, command: ['sh', '-c', 'echo hi'], env: [{ name: 'A', value: '1' }],
  });
  const d = runDeploymentFor({ name: 'x', image: 'nginx', replicas: 3 });
  assert.equal(d.kind, 'Deployment');
  assert.deepEqual((d.spec as { selector: unknown }).selector, { matchLabels: { run: 'x' } });
});

test('service ports from --tcp', () => {
  assert.deepEqual(parseTcpPorts(['80:8080', '443']), [
    { port: 80, targetPort: 8080, name: '80-8080', protocol: 'TCP' },
    { port: 443, targetPort: 443, name: '443', protocol: 'TCP' },
  ]);
  assert.deepEqual((serviceFor({ name: 's', type: 'NodePort', ports: parseTcpPorts(['80']) }).spec as { selector: unknown }).selector, { app: 's' });
  assert.deepEqual(parseKeyValues(['a=b,c=d'], 'labels'), { a: 'b', c: 'd' });
  assert.throws(() => parseKeyValues(['a'], 'labels'));
});

test('expose: selector and ports from the exposed object', () => {
  const d = deploymentFor({ name: 'web', images: ['nginx'], port: 8080 });
  const svc = exposedService(d, { port: '80', type: 'NodePort' });
  assert.deepEqual(svc.spec, { ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], selector: { app: 'web' }, type: 'NodePort' });
  const fromPorts = exposedService(d, {});
  assert.deepEqual((fromPorts.spec as { ports: unknown }).ports, [{ port: 8080, protocol: 'TCP', targetPort: 8080 }]);
  assert.equal((fromPorts.spec as { type?: string }).type, undefined);
  assert.throws(() => exposedService({ kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } }, { port: '80' }), /no labels/);
});
