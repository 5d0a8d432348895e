import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNodeLabels, parseTaints, withoutLegacyInitLabel } from './registration-flags.js';

test('parseTaints reads key=value:Effect and key:Effect lists', () => {
  assert.deepEqual(parseTaints('node-role.kubernetes.io/control-plane:NoSchedule'), [
    { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
  ]);
  assert.deepEqual(parseTaints('dedicated=gpu:NoExecute, spot=true:PreferNoSchedule'), [
    { key: 'dedicated', value: 'gpu', effect: 'NoExecute' },
    { key: 'spot', value: 'true', effect: 'PreferNoSchedule' },
  ]);
  assert.deepEqual(parseTaints('a=:NoSchedule'), [{ key: 'a', effect: 'NoSchedule' }]);
  assert.deepEqual(parseTaints(''), []);
});

test('parseTaints rejects bad effects, keys, values, missing effects and duplicates', () => {
  assert.throws(() => parseTaints('a=b'), /must look like key=value:Effect/);
  assert.throws(() => parseTaints('a=b:Sometimes'), /effect "Sometimes"/);
  assert.throws(() => parseTaints('-bad:NoSchedule'), /invalid key "-bad"/);
  assert.throws(() => parseTaints('a=b c:NoSchedule'), /invalid value "b c"/);
  assert.throws(() => parseTaints('a:NoSchedule,a=x:NoSchedule'), /given twice/);
  // same key, other effect: allowed, as in Kubernetes
  assert.equal(parseTaints('a:NoSchedule,a:NoExecute').length, 2);
});

test('parseNodeLabels reads k=v lists, empty values included', () => {
  assert.deepEqual(parseNodeLabels('example.com/role=,zone=a,node.kubernetes.io/instance-type=big'), {
    'example.com/role': '', zone: 'a', 'node.kubernetes.io/instance-type': 'big',
  });
  assert.throws(() => parseNodeLabels('zone'), /must look like key=value/);
  assert.throws(() => parseNodeLabels('zo ne=a'), /invalid key/);
  assert.throws(() => parseNodeLabels('zone=a b'), /invalid value/);
});

test('parseNodeLabels refuses labels a node may not set on itself, as the kubelet does', () => {
  assert.throws(() => parseNodeLabels('zone=a,node-role.kubernetes.io/control-plane='),
    /--node-labels: a node may not set node-role\.kubernetes\.io\/control-plane on itself.*kubectl label node/);
  assert.throws(() => parseNodeLabels('node-restriction.kubernetes.io/pci=true'), /node-restriction\.kubernetes\.io\/pci/);
});

test('the control-plane label older kubelite init passed to its kubelet is dropped, not refused; nothing else is', () => {
  assert.deepEqual(withoutLegacyInitLabel('node-role.kubernetes.io/control-plane='), { spec: '', dropped: true });
  assert.deepEqual(withoutLegacyInitLabel('zone=a, node-role.kubernetes.io/control-plane=,rack=r1'), { spec: 'zone=a,rack=r1', dropped: true });
  assert.deepEqual(withoutLegacyInitLabel('zone=a'), { spec: 'zone=a', dropped: false });
  // any other value of the label is a user's explicit request: parseNodeLabels refuses it
  assert.deepEqual(withoutLegacyInitLabel('node-role.kubernetes.io/control-plane=yes'), { spec: 'node-role.kubernetes.io/control-plane=yes', dropped: false });
  assert.throws(() => parseNodeLabels(withoutLegacyInitLabel('node-role.kubernetes.io/control-plane=yes').spec), /may not set/);
});
