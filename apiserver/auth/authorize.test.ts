import test from 'node:test';
import assert from 'node:assert/strict';
import { admitCreate, anonymousUser, authorize, forbidden } from './authorize.js';
import type { NodeGraphView } from './node-graph.js';
import { requestAttributes } from './request-attributes.js';

const empty: NodeGraphView = { pod: () => undefined, persistentVolume: () => undefined, node: () => undefined, referencedFromNode: () => false };
const admin = { name: 'kubelite-admin', groups: ['system:masters', 'system:authenticated'] };
const component = { name: 'system:kube-scheduler', groups: ['system:authenticated'] };
const node = { name: 'system:node:w1', groups: ['system:nodes', 'system:authenticated'] };
const boot = { name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:kubelite:default-node-token', 'system:authenticated'] };
const allowed = (u: typeof admin, method: string, path: string, q: Record<string, string> = {}) => authorize(u, requestAttributes(method, path, q), empty).allowed;

test('masters and other authenticated components may do anything (no RBAC yet)', () => {
  assert.ok(allowed(admin, 'DELETE', '/api/v1/namespaces/default/pods'));
  assert.ok(allowed(admin, 'GET', '/metrics'));
  assert.ok(allowed(component, 'POST', '/api/v1/namespaces/default/pods/p/binding'));
  assert.ok(allowed({ ...node, groups: [...node.groups, 'system:masters'] }, 'DELETE', '/api/v1/nodes/w2'));
});

test('anonymous: only GET kube-public/configmaps/cluster-info', () => {
  const anon = anonymousUser();
  assert.ok(allowed(anon, 'GET', '/api/v1/namespaces/kube-public/configmaps/cluster-info'));
  assert.ok(!allowed(anon, 'PUT', '/api/v1/namespaces/kube-public/configmaps/cluster-info'));
  assert.ok(!allowed(anon, 'GET', '/api/v1/namespaces/kube-public/configmaps'));
  assert.ok(!allowed(anon, 'GET', '/api/v1/namespaces/default/configmaps/cluster-info'));
  assert.ok(!allowed(anon, 'GET', '/api/v1/pods'));
  assert.ok(!allowed(anon, 'GET', '/api'));
});

test('bootstrap tokens: create and read CSRs, read cluster-info, discovery; nothing else', () => {
  assert.ok(allowed(boot, 'POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests'));
  assert.ok(allowed(boot, 'GET', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { watch: 'true', fieldSelector: 'metadata.name=x' }));
  assert.ok(allowed(boot, 'GET', '/api/v1/namespaces/kube-public/configmaps/cluster-info'));
  assert.ok(allowed(boot, 'GET', '/apis'));
  assert.ok(!allowed(boot, 'PUT', '/apis/certificates.k8s.io/v1/certificatesigningrequests/x/approval'));
  assert.ok(!allowed(boot, 'DELETE', '/apis/certificates.k8s.io/v1/certificatesigningrequests/x'));
  assert.ok(!allowed(boot, 'GET', '/api/v1/pods'));
  assert.ok(!allowed(boot, 'GET', '/metrics'));
});

test('nodes go through the node authorizer; half a node identity gets nothing', () => {
  assert.ok(allowed(node, 'GET', '/api/v1/pods'));
  assert.ok(allowed(node, 'GET', '/openapi/v3'));
  assert.ok(!allowed(node, 'GET', '/api/v1/secrets'));
  assert.ok(!allowed({ name: 'system:node:w1', groups: ['system:authenticated'] }, 'GET', '/api/v1/pods'));
  assert.ok(!allowed({ name: 'someone', groups: ['system:nodes', 'system:authenticated'] }, 'GET', '/api/v1/pods'));
});

test('forbidden() words the 403 like Kubernetes', () => {
  const e = forbidden(node, requestAttributes('DELETE', '/api/v1/namespaces/default/pods/x'), 'node "w1" can only delete pods bound to it');
  assert.equal(e.status.code, 403);
  assert.equal(e.status.reason, 'Forbidden');
  assert.equal(e.status.message,
    'pods "x" is forbidden: User "system:node:w1" cannot delete resource "pods" in API group "" in the namespace "default": node "w1" can only delete pods bound to it');
  assert.deepEqual(e.status.details, { name: 'x', group: undefined, kind: 'pods' });
  assert.equal(forbidden(node, requestAttributes('GET', '/apis/apps/v1/deployments'), '').status.message,
    'deployments.apps is forbidden: User "system:node:w1" cannot list resource "deployments" in API group "apps" at the cluster scope');
  assert.equal(forbidden(node, requestAttributes('PATCH', '/api/v1/nodes/w2/status'), 'r').status.message,
    'nodes "w2" is forbidden: User "system:node:w1" cannot patch resource "nodes/status" in API group "" at the cluster scope: r');
  assert.equal(forbidden(node, requestAttributes('GET', '/metrics'), '').status.message, 'forbidden: User "system:node:w1" cannot get path "/metrics"');
});

test('admitCreate applies node restrictions to nodes only', () => {
  const a = requestAttributes('POST', '/api/v1/nodes');
  const body = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'w2' } };
  assert.ok(admitCreate(node, a, body));
  assert.equal(admitCreate(admin, a, body), undefined);
  assert.equal(admitCreate(component, a, body), undefined);
});
