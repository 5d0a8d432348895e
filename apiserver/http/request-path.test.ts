import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseApiPath, pathSegments, requestPathname, trimTrailingSlashes } from './request-path.js';

test('namespaced resources, cluster resources and subresources', () => {
  const p = parseApiPath('/apis/apps/v1/namespaces/default/deployments/web/scale');
  assert.equal(p.type, 'resource');
  if (p.type === 'resource') {
    assert.equal(p.info.resource, 'deployments');
    assert.equal(p.namespace, 'default');
    assert.equal(p.name, 'web');
    assert.equal(p.subresource, 'scale');
  }
  const n = parseApiPath('/api/v1/nodes/n1/status');
  assert.ok(n.type === 'resource' && n.info.resource === 'nodes' && n.name === 'n1' && n.subresource === 'status');
});

test('a namespace and its status/finalize subresources are the Namespace itself', () => {
  for (const sub of ['status', 'finalize']) {
    const p = parseApiPath(`/api/v1/namespaces/team-a/${sub}`);
    assert.ok(p.type === 'resource' && p.info.resource === 'namespaces' && p.name === 'team-a' && p.subresource === sub, JSON.stringify(p));
  }
  const list = parseApiPath('/api/v1/namespaces/team-a/pods');
  assert.ok(list.type === 'resource' && list.info.resource === 'pods' && list.namespace === 'team-a' && !list.name);
});

test('unknown groups, versions and resources', () => {
  assert.equal(parseApiPath('/apis/nope.io/v1/things').type, 'not-found');
  assert.equal(parseApiPath('/api/v2/pods').type, 'not-found');
  assert.equal(parseApiPath('/api/v1/widgets').type, 'unknown-resource');
});

test('requestPathname is what URL parsing gives for any request target', () => {
  const targets = [
    '/api/v1/namespaces/default/pods', '/api/v1/namespaces/default/pods?watch=true&resourceVersion=5', '/', '/healthz/',
    '/api/v1/namespaces/a%2Fb/pods/x', '/a/../b', '/a/./b?x', '/a/%2E%2e/b', '/a/%zz', '/a b/ü', '/a#frag?x', '/a?b#c', '//host/x',
    'https://example.com/api/v1/pods?x=1', '/a\\b', "/a/b:c@d!$&'()*+,;=~",
  ];
  for (const t of targets) assert.equal(requestPathname(t), new URL(t, 'https://x').pathname, t);
});

test('pathSegments decodes like decodeURIComponent per non-empty segment, and refuses bad escapes', () => {
  for (const p of ['/api/v1/namespaces/a/pods/b', '//api//v1/', '/api/v1/namespaces/%61/pods/x%2Fy', '/apis/%E2%9C%93/v1', '/']) {
    assert.deepEqual(pathSegments(p), p.split('/').filter((s) => s !== '').map(decodeURIComponent), p);
  }
  assert.equal(pathSegments('/api/v1/namespaces/%zz/pods'), undefined);
});

test('parseApiPath gives the same answer with segments passed in', () => {
  for (const p of ['/api', '/apis', '/apis/apps', '/apis/apps/v1', '/apis/apps/v1/namespaces/d/deployments/w/scale', '/api/v1/namespaces/x/finalize',
    '/api/v1/widgets', '/apis/nope.io/v1/x', '/api/v2/pods', '/api/v1/nodes/n/status/extra', '/api/v1/namespaces/%61/pods/b', '/foo']) {
    assert.deepEqual(parseApiPath(p, pathSegments(p)), parseApiPath(p), p);
  }
  assert.throws(() => parseApiPath('/api/v1/namespaces/%zz/pods', pathSegments('/api/v1/namespaces/%zz/pods')), URIError);
});

test('trimTrailingSlashes', () => {
  for (const [p, want] of [['/', '/'], ['///', '/'], ['/api/', '/api'], ['/api//', '/api'], ['/api', '/api'], ['', '/']]) {
    assert.equal(trimTrailingSlashes(p), want, p);
  }
});
