import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Container, Pod, Secret } from '../api/types/index.js';
import { expand, expandCommand, resolveEnv, resourceFieldValue, EnvError, envReferences } from './env.js';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'prod', uid: 'u-1', labels: { app: 'web' }, annotations: { 'a.b/c': 'x' } },
  spec: { containers: [], nodeName: 'n1', serviceAccountName: 'sa' },
};
const cms: Record<string, ConfigMap> = { cfg: { metadata: { name: 'cfg' }, data: { MODE: 'fast', 'bad=key': 'x' } } };
const secrets: Record<string, Secret> = { creds: { metadata: { name: 'creds' }, data: { password: Buffer.from('s3cret').toString('base64') } } };
const src = { pod, podIP: '10.244.0.7', hostIP: '10.0.0.1', configMap: (n: string) => cms[n], secret: (n: string) => secrets[n] };

test('expand follows Kubernetes: defined, undefined, escaped, incomplete', () => {
  const look = (n: string) => ({ A: 'a', B: 'b' } as Record<string, string>)[n];
  assert.equal(expand('$(A)-$(B)', look), 'a-b');
  assert.equal(expand('$(C)', look), '$(C)');
  assert.equal(expand('$$(A)', look), '$(A)');
  assert.equal(expand('$(A', look), '$(A');
  assert.equal(expand('cost $5', look), 'cost $5');
  assert.equal(expand('end$', look), 'end$');
});

test('fieldRef, configMapKeyRef, secretKeyRef, envFrom with prefix, references to earlier vars', () => {
  const c: Container = {
    name: 'app',
    envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
    env: [
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'ANN', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['a.b/c']" } } },
      { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'MODE' } } },
      { name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
      { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'missing', key: 'x', optional: true } } },
      { name: 'URL', value: 'http://$(IP):80/$(POD_NAME)/$(NOPE)' },
    ],
  };
  const env = resolveEnv(c, src);
  assert.equal(env.get('CFG_MODE'), 'fast');
  assert.equal(env.has('CFG_bad=key'), false);
  assert.equal(env.get('POD_NAME'), 'web');
  assert.equal(env.get('NS'), 'prod');
  assert.equal(env.get('APP'), 'web');
  assert.equal(env.get('ANN'), 'x');
  assert.equal(env.get('IP'), '10.244.0.7');
  assert.equal(env.get('NODE'), 'n1');
  assert.equal(env.get('MODE'), 'fast');
  assert.equal(env.get('PW'), 's3cret');
  assert.equal(env.has('OPT'), false);
  assert.equal(env.get('URL'), 'http://10.244.0.7:80/web/$(NOPE)');
  assert.deepEqual(envReferences(c), { configMaps: ['cfg', 'missing'], secrets: ['creds'] });
});

test('a missing required source is a config error with Kubernetes wording', () => {
  const c: Container = { name: 'a', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nokey' } } }] };
  assert.throws(() => resolveEnv(c, src), (e: unknown) => e instanceof EnvError && e.message === "couldn't find key nokey in ConfigMap prod/cfg");
  const d: Container = { name: 'a', envFrom: [{ secretRef: { name: 'gone' } }] };
  assert.throws(() => resolveEnv(d, src), /secret "gone" not found/);
});

test('resourceFieldRef rounds up by the divisor and falls back to node allocatable', () => {
  const c: Container = { name: 'a', resources: { limits: { cpu: '1500m', memory: '128Mi' }, requests: { cpu: '250m' } } };
  assert.equal(resourceFieldValue(c, 'limits.cpu', undefined), '2');
  assert.equal(resourceFieldValue(c, 'limits.cpu', '1m'), '1500');
  assert.equal(resourceFieldValue(c, 'requests.cpu', '1m'), '250');
  assert.equal(resourceFieldValue(c, 'limits.memory', '1Mi'), '128');
  assert.equal(resourceFieldValue({ name: 'b' }, 'limits.memory', undefined, { memory: '1Gi' }), String(1024 ** 3));
});

test('command and args expand against the final environment', () => {
  const env = new Map([['GREETING', 'hi']]);
  assert.deepEqual(expandCommand({ name: 'a', command: ['sh', '-c'], args: ['echo $(GREETING) $$(GREETING)'] }, env), {
    command: ['sh', '-c'], args: ['echo hi $(GREETING)'],
  });
});
