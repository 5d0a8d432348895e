import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKubeletLabel, labelsForbiddenToNodes, modifiedLabelKeys } from './node-labels.js';

test('kubelet labels: the well-known set and the kubelet.kubernetes.io / node.kubernetes.io namespaces', () => {
  for (const k of ['kubernetes.io/hostname', 'kubernetes.io/os', 'kubernetes.io/arch', 'topology.kubernetes.io/zone',
    'node.kubernetes.io/instance-type', 'node.kubernetes.io/exclude-from-external-load-balancers',
    'kubelet.kubernetes.io/anything', 'foo.node.kubernetes.io/x', 'beta.kubernetes.io/arch']) {
    assert.equal(isKubeletLabel(k), true, k);
  }
  for (const k of ['node-role.kubernetes.io/control-plane', 'kubernetes.io/role', 'example.com/x', 'zone']) {
    assert.equal(isKubeletLabel(k), false, k);
  }
});

test('nodes may not touch node-role, node-restriction or other unknown kubernetes.io / k8s.io labels', () => {
  assert.deepEqual(labelsForbiddenToNodes([
    'zone', 'example.com/team', 'kubelite.io/hollow', // outside the Kubernetes namespaces: allowed
    'kubernetes.io/hostname', 'node.kubernetes.io/instance-type', 'kubelet.kubernetes.io/x', // kubelet labels: allowed
    'node-role.kubernetes.io/control-plane', 'node-restriction.kubernetes.io/pci', 'a.node-restriction.kubernetes.io/b',
    'k8s.io/x', 'sub.k8s.io/y', 'kubernetes.io/role',
  ]), [
    'a.node-restriction.kubernetes.io/b', 'k8s.io/x', 'kubernetes.io/role', 'node-restriction.kubernetes.io/pci',
    'node-role.kubernetes.io/control-plane', 'sub.k8s.io/y',
  ]);
  assert.deepEqual(labelsForbiddenToNodes([]), []);
});

test('modifiedLabelKeys: added, removed and changed keys, not unchanged ones', () => {
  assert.deepEqual(modifiedLabelKeys({ a: '1', b: '2', c: '3' }, { a: '1', b: 'x', d: '4' }).sort(), ['b', 'c', 'd']);
  assert.deepEqual(modifiedLabelKeys(undefined, { a: '' }), ['a']);
  assert.deepEqual(modifiedLabelKeys({ a: '' }, { a: '' }), []);
});
