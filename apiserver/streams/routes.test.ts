import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchRoute } from './routes.js';

test('pod stream subresources', () => {
  assert.deepEqual(matchRoute('/api/v1/namespaces/default/pods/web/log'), { kind: 'pod', namespace: 'default', name: 'web', subresource: 'log' });
  assert.deepEqual(matchRoute('/api/v1/namespaces/ns/pods/p/exec')?.kind, 'pod');
  assert.deepEqual(matchRoute('/api/v1/namespaces/ns/pods/p/portforward'), { kind: 'pod', namespace: 'ns', name: 'p', subresource: 'portforward' });
  assert.equal(matchRoute('/api/v1/namespaces/ns/pods/p/status'), undefined);
  assert.equal(matchRoute('/api/v1/namespaces/ns/pods/p'), undefined);
  assert.equal(matchRoute('/api/v1/namespaces/ns/services/p/log'), undefined);
});

test('metrics.k8s.io paths', () => {
  assert.deepEqual(matchRoute('/apis/metrics.k8s.io/v1beta1/nodes'), { kind: 'metrics', resource: 'nodes', name: undefined });
  assert.deepEqual(matchRoute('/apis/metrics.k8s.io/v1beta1/nodes/n1'), { kind: 'metrics', resource: 'nodes', name: 'n1' });
  assert.deepEqual(matchRoute('/apis/metrics.k8s.io/v1beta1/pods'), { kind: 'metrics', resource: 'pods' });
  assert.deepEqual(matchRoute('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods'), { kind: 'metrics', resource: 'pods', namespace: 'default', name: undefined });
  assert.deepEqual(matchRoute('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web'), { kind: 'metrics', resource: 'pods', namespace: 'default', name: 'web' });
  // discovery stays with the server
  assert.equal(matchRoute('/apis/metrics.k8s.io/v1beta1'), undefined);
  assert.equal(matchRoute('/apis/metrics.k8s.io'), undefined);
  assert.equal(matchRoute('/apis/metrics.k8s.io/v1beta1/namespaces/x'), undefined);
});

test('bad escapes are not ours', () => {
  assert.equal(matchRoute('/api/v1/namespaces/%E0%A4%A/pods/p/log'), undefined);
});

test('the quick rejection of ordinary paths keeps every stream route reachable', () => {
  assert.deepEqual(matchRoute('/api/v1/namespaces/ns/pods/p/log/'), { kind: 'pod', namespace: 'ns', name: 'p', subresource: 'log' });
  assert.deepEqual(matchRoute('//api/v1/namespaces/ns/pods/p//attach//'), { kind: 'pod', namespace: 'ns', name: 'p', subresource: 'attach' });
  assert.deepEqual(matchRoute('/api/v1/namespaces/ns/pods/p/%6Cog'), { kind: 'pod', namespace: 'ns', name: 'p', subresource: 'log' });
  assert.deepEqual(matchRoute('/apis/metrics.k8s.io/v1beta1/nodes/'), { kind: 'metrics', resource: 'nodes', name: undefined });
  assert.deepEqual(matchRoute('/apis/metrics%2Ek8s.io/v1beta1/pods'), { kind: 'metrics', resource: 'pods' });
  assert.deepEqual(matchRoute('/api/v1/nodes/n1/proxy/images/status'), { kind: 'node-images', node: 'n1', action: 'status' });
  assert.deepEqual(matchRoute('/api/v1/nodes/n1/proxy/images/load/'), { kind: 'node-images', node: 'n1', action: 'load' });
  for (const p of ['/api/v1/namespaces/ns/pods/p/binding', '/api/v1/namespaces/ns/pods', '/apis/apps/v1/namespaces/ns/deployments/d', '/', '', '/log']) {
    assert.equal(matchRoute(p), undefined, p);
  }
});
