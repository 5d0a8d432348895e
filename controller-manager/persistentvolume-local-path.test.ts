import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../api/types/index.js';
import { ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER } from './persistentvolume-decide.js';
import { decideProvision, defaultStorageClass } from './persistentvolume-local-path.js';
import { pvc } from './persistentvolume-testutil.js';

const sc = defaultStorageClass();
const node: Node = {
  metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1-host' }, annotations: { 'kubelite.io/root-dir': '/var/lib/kubelite' } },
  spec: {},
};

function handed(annotations: Record<string, string> = {}) {
  return pvc('data', '1Gi', { storageClassName: 'local-path' }, { [ANN_STORAGE_PROVISIONER]: 'kubelite.io/local-path', ...annotations });
}

test('the default class: local-path, default, WaitForFirstConsumer, Delete', () => {
  assert.equal(sc.metadata.name, 'local-path');
  assert.equal(sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');
  assert.equal(sc.provisioner, 'kubelite.io/local-path');
  assert.equal(sc.volumeBindingMode, 'WaitForFirstConsumer');
  assert.equal(sc.reclaimPolicy, 'Delete');
});

test('a hostPath volume under the node root dir, pinned to the node, reserved for the claim', () => {
  const claim = handed({ [ANN_SELECTED_NODE]: 'n1' });
  const d = decideProvision(claim, sc, node);
  assert.equal(d.action, 'create');
  const v = d.action === 'create' ? d.volume : undefined;
  assert.equal(v?.metadata.name, 'pvc-uid-data');
  assert.equal(v?.metadata.annotations?.[ANN_PROVISIONED_BY], 'kubelite.io/local-path');
  assert.deepEqual(v?.spec.hostPath, { path: '/var/lib/kubelite/local-path/pvc-uid-data', type: 'DirectoryOrCreate' });
  assert.deepEqual(v?.spec.nodeAffinity, {
    required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1-host'] }] }] },
  });
  assert.deepEqual(v?.spec.capacity, { storage: '1Gi' });
  assert.deepEqual(v?.spec.accessModes, ['ReadWriteOnce']);
  assert.equal(v?.spec.persistentVolumeReclaimPolicy, 'Delete');
  assert.equal(v?.spec.storageClassName, 'local-path');
  assert.equal(v?.spec.claimRef?.uid, 'uid-data');
});

test('skipped unless unbound, of a local-path class and handed over by the binder', () => {
  assert.equal(decideProvision(pvc('d', '1Gi', { storageClassName: 'local-path' }), sc, node).action, 'skip');
  assert.equal(decideProvision(handed({ [ANN_SELECTED_NODE]: 'n1' }), { ...sc, provisioner: 'other' }, node).action, 'skip');
  assert.equal(decideProvision(handed({ [ANN_SELECTED_NODE]: 'n1' }), undefined, node).action, 'skip');
  const bound = handed({ [ANN_SELECTED_NODE]: 'n1' });
  bound.spec.volumeName = 'v';
  assert.equal(decideProvision(bound, sc, node).action, 'skip');
});

test('fails (to be retried) without a node, an unknown node, or a node without a root dir', () => {
  const noNode = decideProvision(handed(), sc, node);
  assert.equal(noNode.action, 'fail');
  assert.match(noNode.action === 'fail' ? noNode.message : '', /WaitForFirstConsumer/);
  assert.equal(decideProvision(handed({ [ANN_SELECTED_NODE]: 'n1' }), sc, undefined).action, 'fail');
  const bare: Node = { metadata: { name: 'n1' }, spec: {} };
  assert.equal(decideProvision(handed({ [ANN_SELECTED_NODE]: 'n1' }), sc, bare).action, 'fail');
  const relative: Node = { metadata: { name: 'n1', annotations: { 'kubelite.io/root-dir': 'var/lib' } }, spec: {} };
  assert.equal(decideProvision(handed({ [ANN_SELECTED_NODE]: 'n1' }), sc, relative).action, 'fail');
  const block = handed({ [ANN_SELECTED_NODE]: 'n1' });
  block.spec.volumeMode = 'Block';
  assert.equal(decideProvision(block, sc, node).action, 'fail');
});
