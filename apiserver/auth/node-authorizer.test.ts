import test from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta.js';
import { authorizeNode, nodeAdmission } from './node-authorizer.js';
import { ReferenceIndex, type NodeGraphView } from './node-graph.js';
import { requestAttributes } from './request-attributes.js';

function graph(objs: { pods?: KubeObject[]; pvs?: KubeObject[]; nodes?: KubeObject[] }): NodeGraphView {
  const idx = new ReferenceIndex();
  for (const p of objs.pods ?? []) idx.setPod(`${p.metadata.namespace}/${p.metadata.name}`, p);
  return {
    pod: (ns, name) => objs.pods?.find((p) => p.metadata.namespace === ns && p.metadata.name === name),
    persistentVolume: (name) => objs.pvs?.find((p) => p.metadata.name === name),
    node: (name) => objs.nodes?.find((n) => n.metadata.name === name),
    referencedFromNode: (kind, ns, name, node) => idx.has(kind, ns, name, node),
  };
}

const pod = (name: string, node: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: node, containers: [], ...spec },
});

const g = graph({
  pods: [
    pod('mine', 'w1', { volumes: [{ name: 'v', secret: { secretName: 'mine-secret' } }, { name: 'd', persistentVolumeClaim: { claimName: 'data' } }],
      containers: [{ name: 'c', envFrom: [{ configMapRef: { name: 'mine-cm' } }] }] }),
    pod('theirs', 'w2', { volumes: [{ name: 'v', secret: { secretName: 'their-secret' } }] }),
  ],
  pvs: [
    { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'lp-w1', annotations: { 'pv.kubernetes.io/provisioned-by': 'kubelite.io/local-path' } },
      spec: { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['w1'] }] }] } } } },
    { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'lp-w2', annotations: { 'pv.kubernetes.io/provisioned-by': 'kubelite.io/local-path' } },
      spec: { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['w2'] }] }] } } } },
    { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'nfs' }, spec: {} },
  ],
  nodes: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'w1', labels: { 'kubernetes.io/hostname': 'w1' } } }],
});

const can = (method: string, path: string, q: Record<string, string> = {}) => authorizeNode('w1', requestAttributes(method, path, q), g).allowed;

test('reads a kubelet and the proxy need', () => {
  assert.ok(can('GET', '/api/v1/pods', { fieldSelector: 'spec.nodeName=w1', watch: 'true' }));
  assert.ok(can('GET', '/api/v1/namespaces/default/pods/theirs'));
  assert.ok(can('GET', '/api/v1/nodes'));
  assert.ok(can('GET', '/api/v1/nodes/w2'));
  assert.ok(can('GET', '/api/v1/services', { watch: 'true' }));
  assert.ok(can('GET', '/api/v1/endpoints'));
  assert.ok(can('GET', '/apis/discovery.k8s.io/v1/endpointslices'));
  assert.ok(can('GET', '/api/v1/persistentvolumes', { watch: 'true' }));
  assert.ok(can('GET', '/apis/storage.k8s.io/v1/storageclasses'));
});

test('secrets, configmaps and PVCs only when a pod bound to the node uses them', () => {
  assert.ok(can('GET', '/api/v1/namespaces/default/secrets/mine-secret'));
  assert.ok(can('GET', '/api/v1/namespaces/default/configmaps/mine-cm'));
  assert.ok(can('GET', '/api/v1/namespaces/default/persistentvolumeclaims/data'));
  assert.ok(!can('GET', '/api/v1/namespaces/default/secrets/their-secret'));
  assert.ok(!can('GET', '/api/v1/namespaces/other/secrets/mine-secret'));
  assert.ok(!can('GET', '/api/v1/namespaces/default/secrets'));
  assert.ok(!can('GET', '/api/v1/secrets', { watch: 'true' }));
  assert.ok(!can('PUT', '/api/v1/namespaces/default/secrets/mine-secret'));
  const d = authorizeNode('w1', requestAttributes('GET', '/api/v1/namespaces/default/secrets/their-secret'), g);
  assert.deepEqual(d, { allowed: false, reason: 'no relationship found between node "w1" and this object' });
});

test('writes: own Node and its status, own Lease, status and deletion of bound pods', () => {
  assert.ok(can('PATCH', '/api/v1/nodes/w1'));
  assert.ok(can('PATCH', '/api/v1/nodes/w1/status'));
  assert.ok(can('PUT', '/api/v1/nodes/w1/status'));
  assert.ok(can('POST', '/api/v1/nodes'));
  assert.ok(!can('PATCH', '/api/v1/nodes/w2'));
  assert.ok(!can('PATCH', '/api/v1/nodes/w2/status'));
  assert.ok(!can('DELETE', '/api/v1/nodes/w2'));
  assert.ok(!can('DELETE', '/api/v1/nodes'));
  assert.ok(can('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/w1'));
  assert.ok(can('PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/w1'));
  assert.ok(can('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases'));
  assert.ok(!can('PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/w2'));
  assert.ok(!can('PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/w1'));
  assert.ok(can('PATCH', '/api/v1/namespaces/default/pods/mine/status'));
  assert.ok(can('DELETE', '/api/v1/namespaces/default/pods/mine'));
  assert.ok(!can('PATCH', '/api/v1/namespaces/default/pods/theirs/status'));
  assert.ok(!can('DELETE', '/api/v1/namespaces/default/pods/theirs'));
  assert.ok(!can('DELETE', '/api/v1/namespaces/default/pods/missing'));
  assert.ok(!can('DELETE', '/api/v1/namespaces/default/pods'));
  assert.ok(!can('PATCH', '/api/v1/namespaces/default/pods/mine'));
  assert.ok(!can('POST', '/api/v1/namespaces/default/pods/mine/binding'));
  assert.deepEqual(authorizeNode('w1', requestAttributes('DELETE', '/api/v1/namespaces/default/pods/theirs'), g),
    { allowed: false, reason: 'node "w1" can only delete pods bound to it' });
});

test('events, CSRs, service status for the proxy, local-path volumes of this node', () => {
  assert.ok(can('POST', '/api/v1/namespaces/default/events'));
  assert.ok(can('PATCH', '/api/v1/namespaces/default/events/e1'));
  assert.ok(!can('DELETE', '/api/v1/namespaces/default/events/e1'));
  assert.ok(can('POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests'));
  assert.ok(can('GET', '/apis/certificates.k8s.io/v1/certificatesigningrequests/c'));
  assert.ok(!can('PUT', '/apis/certificates.k8s.io/v1/certificatesigningrequests/c/approval'));
  assert.ok(can('PATCH', '/api/v1/namespaces/default/services/lb/status'));
  assert.ok(!can('PATCH', '/api/v1/namespaces/default/services/lb'));
  assert.ok(can('DELETE', '/api/v1/persistentvolumes/lp-w1'));
  assert.ok(!can('DELETE', '/api/v1/persistentvolumes/lp-w2'));
  assert.ok(!can('DELETE', '/api/v1/persistentvolumes/nfs'));
});

test('everything else is refused: other resources, streams, proxies, metrics, non-discovery paths', () => {
  assert.ok(!can('POST', '/apis/apps/v1/namespaces/default/deployments'));
  assert.ok(!can('GET', '/apis/apps/v1/deployments'));
  assert.ok(!can('GET', '/api/v1/namespaces/default/pods/mine/log'));
  assert.ok(!can('GET', '/api/v1/namespaces/default/pods/mine/exec'));
  assert.ok(!can('POST', '/api/v1/nodes/w1/proxy/images/load'));
  assert.ok(!can('POST', '/api/v1/namespaces/default/serviceaccounts/default/token'));
  assert.ok(!can('GET', '/metrics'));
  assert.ok(!can('DELETE', '/api/v1/namespaces/default'));
});

test('nodeAdmission checks the bodies of creates: own Node, own Lease, mirror pods bound to it', () => {
  const a = (path: string) => requestAttributes('POST', path);
  const node = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
  assert.equal(nodeAdmission('w1', a('/api/v1/nodes'), node('w1')), undefined);
  assert.match(nodeAdmission('w1', a('/api/v1/nodes'), node('w2')) ?? '', /not allowed to create a Node named "w2"/);
  const lease = (name: string): KubeObject => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name } });
  assert.equal(nodeAdmission('w1', a('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases'), lease('w1')), undefined);
  assert.ok(nodeAdmission('w1', a('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases'), lease('w2')));
  const mirror = (n: string, annotated: boolean): KubeObject => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'static-w1', namespace: 'kube-system', annotations: annotated ? { 'kubernetes.io/config.mirror': 'h' } : {} },
    spec: { nodeName: n, containers: [] },
  });
  assert.equal(nodeAdmission('w1', a('/api/v1/namespaces/kube-system/pods'), mirror('w1', true)), undefined);
  assert.match(nodeAdmission('w1', a('/api/v1/namespaces/kube-system/pods'), mirror('w2', true)) ?? '', /spec.nodeName/);
  assert.match(nodeAdmission('w1', a('/api/v1/namespaces/kube-system/pods'), mirror('w1', false)) ?? '', /only create mirror pods/);
  const pods = a('/api/v1/namespaces/kube-system/pods');
  const withSpec = (spec: Record<string, unknown>, meta: Partial<KubeObject['metadata']> = {}): KubeObject => {
    const m = mirror('w1', true);
    return { ...m, metadata: { ...m.metadata, ...meta }, spec: { ...(m.spec as object), ...spec } };
  };
  // what the kubelet sends: owned by its Node as controller
  const ownedByNode = { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'w1', uid: 'u1', controller: true }] };
  assert.equal(nodeAdmission('w1', pods, withSpec({}, ownedByNode)), undefined);
  // a mirror pod naming an object would let the node read it through the node authorizer
  assert.equal(nodeAdmission('w1', pods, withSpec({ volumes: [{ name: 'v', secret: { secretName: 'db' } }] })), 'node "w1" can not create pods that reference secrets');
  assert.equal(nodeAdmission('w1', pods, withSpec({ imagePullSecrets: [{ name: 'reg' }] })), 'node "w1" can not create pods that reference secrets');
  assert.equal(nodeAdmission('w1', pods, withSpec({ containers: [{ name: 'c', envFrom: [{ configMapRef: { name: 'cfg' } }] }] })), 'node "w1" can not create pods that reference configmaps');
  assert.equal(nodeAdmission('w1', pods, withSpec({ volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] })), 'node "w1" can not create pods that reference persistentvolumeclaims');
  assert.equal(nodeAdmission('w1', pods, withSpec({ serviceAccountName: 'builder' })), 'node "w1" can not create pods that reference a service account');
  assert.equal(nodeAdmission('w1', pods, withSpec({}, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u' }] })),
    'node "w1" can only create pods with an owner reference set to itself');
  assert.equal(nodeAdmission('w1', pods, withSpec({}, { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'w1', uid: 'u1' }] })),
    'node "w1" can only create pods with a controller owner reference set to itself');
  assert.equal(nodeAdmission('w1', pods, withSpec({}, { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'w1', uid: 'u1', controller: true, blockOwnerDeletion: true }] })),
    'node "w1" must not set blockOwnerDeletion on an owner reference');
  assert.match(nodeAdmission('w1', pods, withSpec({}, { ownerReferences: [...ownedByNode.ownerReferences, ...ownedByNode.ownerReferences] })) ?? '', /single owner reference/);
  assert.equal(nodeAdmission('w1', a('/api/v1/namespaces/default/events'), { apiVersion: 'v1', kind: 'Event', metadata: { name: 'x' } }), undefined);
});
