import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta.js';
import { nodeIdentity } from './node-authorizer.js';
import { nodeWriteRestriction } from './node-restriction.js';

const node = (labels: Record<string, string> = {}, spec: Record<string, unknown> = {}, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name: 'w1', labels, ...extra }, spec,
});
const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

test('nodeIdentity needs both the system:node:<n> name and the system:nodes group', () => {
  assert.equal(nodeIdentity({ name: 'system:node:w1', groups: ['system:nodes', 'system:authenticated'] }), 'w1');
  assert.equal(nodeIdentity({ name: 'system:node:w1', groups: ['system:authenticated'] }), undefined);
  assert.equal(nodeIdentity({ name: 'admin', groups: ['system:nodes'] }), undefined);
});

test('registration: taints and kubelet labels are fine, node-role and other restricted labels are not', () => {
  assert.equal(nodeWriteRestriction('w1', node({ 'kubernetes.io/hostname': 'w1', 'example.com/rack': 'r1' }, { taints: [taint] }), undefined), undefined);
  assert.equal(nodeWriteRestriction('w1', node({ 'node-role.kubernetes.io/control-plane': '', 'node-restriction.kubernetes.io/pci': 'y' }), undefined),
    'node "w1" is not allowed to set the following labels: node-restriction.kubernetes.io/pci, node-role.kubernetes.io/control-plane');
});

test('updates: taints and ownerReferences are frozen; an empty list equals none', () => {
  const cur = node({}, { taints: [taint] });
  assert.equal(nodeWriteRestriction('w1', node({}, { taints: [{ ...taint }] }), cur), undefined);
  assert.equal(nodeWriteRestriction('w1', node({}, {}), cur), 'node "w1" is not allowed to modify taints');
  assert.equal(nodeWriteRestriction('w1', node({}, { taints: [{ ...taint, effect: 'NoExecute' }] }), cur), 'node "w1" is not allowed to modify taints');
  assert.equal(nodeWriteRestriction('w1', node({}, { taints: [] }), node({}, {})), undefined);
  assert.equal(nodeWriteRestriction('w1', node({}, { podCIDR: '10.244.1.0/24' }), node({}, {})), undefined, 'other spec fields are the kubelet\'s');
  const owned = node({}, {}, { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'u' }] });
  assert.equal(nodeWriteRestriction('w1', owned, node()), 'node "w1" is not allowed to modify ownerReferences');
});

test('updates: only restricted labels that change are refused; unchanged ones may stay', () => {
  const cur = node({ 'node-role.kubernetes.io/worker': '', zone: 'a' });
  assert.equal(nodeWriteRestriction('w1', node({ 'node-role.kubernetes.io/worker': '', zone: 'b', 'kubelet.kubernetes.io/x': '1' }), cur), undefined);
  assert.equal(nodeWriteRestriction('w1', node({ zone: 'a' }), cur), 'is not allowed to modify labels: node-role.kubernetes.io/worker');
  assert.equal(nodeWriteRestriction('w1', node({ 'node-role.kubernetes.io/worker': 'x', zone: 'a', 'k8s.io/y': '' }), cur),
    'is not allowed to modify labels: k8s.io/y, node-role.kubernetes.io/worker');
});
