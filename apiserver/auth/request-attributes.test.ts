import test from 'node:test';
import assert from 'node:assert/strict';
import { requestAttributes } from './request-attributes.js';

test('resource paths: namespace, name, subresource and verb', () => {
  const a = requestAttributes('DELETE', '/api/v1/namespaces/default/pods/x');
  assert.deepEqual([a.isResourceRequest, a.verb, a.apiGroup, a.resource, a.namespace, a.name, a.subresource], [true, 'delete', '', 'pods', 'default', 'x', '']);
  const s = requestAttributes('PATCH', '/api/v1/nodes/w1/status');
  assert.deepEqual([s.verb, s.resource, s.name, s.subresource, s.namespace], ['patch', 'nodes', 'w1', 'status', '']);
  const d = requestAttributes('POST', '/apis/apps/v1/namespaces/ns/deployments');
  assert.deepEqual([d.verb, d.apiGroup, d.resource, d.name], ['create', 'apps', 'deployments', '']);
});

test('list, watch, deletecollection and a name from a metadata.name field selector', () => {
  assert.equal(requestAttributes('GET', '/api/v1/pods').verb, 'list');
  assert.equal(requestAttributes('GET', '/api/v1/pods', { watch: 'true' }).verb, 'watch');
  assert.equal(requestAttributes('GET', '/api/v1/pods', { watch: '1' }).verb, 'watch');
  assert.equal(requestAttributes('DELETE', '/api/v1/namespaces/a/pods').verb, 'deletecollection');
  const n = requestAttributes('GET', '/api/v1/nodes', { watch: 'true', fieldSelector: 'metadata.name=w1' });
  assert.deepEqual([n.verb, n.name], ['watch', 'w1']);
  assert.equal(requestAttributes('GET', '/api/v1/pods', { fieldSelector: 'spec.nodeName=w1' }).name, '');
  assert.equal(requestAttributes('GET', '/api/v1/pods', { fieldSelector: 'metadata.name=a,spec.nodeName=w1' }).name, '');
});

test('the Namespace itself and its status/finalize subresources', () => {
  const ns = requestAttributes('GET', '/api/v1/namespaces/kube-public');
  assert.deepEqual([ns.resource, ns.name, ns.namespace], ['namespaces', 'kube-public', 'kube-public']);
  const fin = requestAttributes('PUT', '/api/v1/namespaces/x/finalize');
  assert.deepEqual([fin.resource, fin.name, fin.subresource], ['namespaces', 'x', 'finalize']);
});

test('stream subresources are creates whatever the method; proxy paths keep the resource', () => {
  assert.equal(requestAttributes('GET', '/api/v1/namespaces/a/pods/p/exec', { command: 'ls' }).verb, 'create');
  assert.equal(requestAttributes('POST', '/api/v1/namespaces/a/pods/p/portforward').verb, 'create');
  const log = requestAttributes('GET', '/api/v1/namespaces/a/pods/p/log');
  assert.deepEqual([log.verb, log.subresource], ['get', 'log']);
  const img = requestAttributes('POST', '/api/v1/nodes/w1/proxy/images/load');
  assert.deepEqual([img.resource, img.name, img.subresource, img.verb], ['nodes', 'w1', 'proxy', 'create']);
  const m = requestAttributes('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/a/pods');
  assert.deepEqual([m.apiGroup, m.resource, m.namespace, m.verb], ['metrics.k8s.io', 'pods', 'a', 'list']);
});

test('discovery, OpenAPI and other paths are non-resource requests', () => {
  for (const p of ['/api', '/api/v1', '/apis', '/apis/apps', '/apis/apps/v1', '/openapi/v3', '/metrics', '/']) {
    const a = requestAttributes('GET', p);
    assert.equal(a.isResourceRequest, false, p);
    assert.equal(a.verb, 'get');
    assert.equal(a.path, p);
  }
  assert.equal(requestAttributes('GET', '/api/v1/%zz').isResourceRequest, false);
});
