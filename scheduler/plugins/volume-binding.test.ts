import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../../api/types/index.js';
import { makeNodeInfo, makePod } from '../test-fixtures.js';
import { newPodInfo } from '../pod-info.js';
import {
  ERR_BIND_CONFLICT, ERR_NODE_CONFLICT, ERR_PV_NOT_EXIST, ERR_UNBOUND_IMMEDIATE, volumeBindingFilter, type VolumeLister,
} from './volume-binding.js';

function lister(claims: PersistentVolumeClaim[], volumes: PersistentVolume[] = [], classes: StorageClass[] = []): VolumeLister {
  return {
    claim: (ns, name) => claims.find((c) => c.metadata.namespace === ns && c.metadata.name === name),
    volume: (name) => volumes.find((v) => v.metadata.name === name),
    storageClass: (name) => classes.find((c) => c.metadata.name === name),
    nodeLabels: (name) => ({ 'kubernetes.io/hostname': name }),
  };
}

const wffc: StorageClass = { metadata: { name: 'local-path' }, provisioner: 'kubelite.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' };
const immediate: StorageClass = { metadata: { name: 'fast' }, provisioner: 'x', volumeBindingMode: 'Immediate' };

function claim(name: string, over: Partial<PersistentVolumeClaim['spec']> = {}, annotations?: Record<string, string>): PersistentVolumeClaim {
  return { metadata: { name, namespace: 'default', uid: `uid-${name}`, annotations }, spec: { storageClassName: 'local-path', ...over } };
}

function pinnedVolume(name: string, host: string, claimUid?: string): PersistentVolume {
  return {
    metadata: { name },
    spec: {
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [host] }] }] } },
      claimRef: claimUid ? { uid: claimUid, name: 'x', namespace: 'default' } : undefined,
    },
  };
}

function podWithClaims(...names: string[]): Pod {
  const pod = makePod('p');
  pod.spec.volumes = [{ name: 'scratch', emptyDir: {} }, ...names.map((n) => ({ name: n, persistentVolumeClaim: { claimName: n } }))];
  return pod;
}

const n1 = makeNodeInfo('n1');
const n2 = makeNodeInfo('n2');

test('pods without claims are not looked at', () => {
  assert.equal(volumeBindingFilter(lister([])).prepare(newPodInfo(podWithClaims())), undefined);
});

test('a bound claim pins the pod to the nodes its volume can be reached from', () => {
  const f = volumeBindingFilter(lister([claim('data', { volumeName: 'pv1' })], [pinnedVolume('pv1', 'n1')])).prepare(newPodInfo(podWithClaims('data')))!;
  assert.equal(f(n1), undefined);
  assert.deepEqual(f(n2), [ERR_NODE_CONFLICT]);
});

test('a volume without node affinity fits everywhere; a missing volume nowhere', () => {
  const free: PersistentVolume = { metadata: { name: 'pv1' }, spec: {} };
  assert.equal(volumeBindingFilter(lister([claim('data', { volumeName: 'pv1' })], [free])).prepare(newPodInfo(podWithClaims('data')))!(n2), undefined);
  const gone = volumeBindingFilter(lister([claim('data', { volumeName: 'pv1' })])).prepare(newPodInfo(podWithClaims('data')))!;
  assert.deepEqual(gone(n1), [ERR_PV_NOT_EXIST]);
});

test('missing claims and unbound Immediate claims keep the pod off every node', () => {
  const missing = volumeBindingFilter(lister([])).prepare(newPodInfo(podWithClaims('data')))!;
  assert.deepEqual(missing(n1), ['persistentvolumeclaim "data" not found']);
  const imm = volumeBindingFilter(lister([claim('data', { storageClassName: 'fast' })], [], [immediate])).prepare(newPodInfo(podWithClaims('data')))!;
  assert.deepEqual(imm(n1), [ERR_UNBOUND_IMMEDIATE]);
  const deleting = claim('data');
  deleting.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
  assert.deepEqual(volumeBindingFilter(lister([deleting], [], [wffc])).prepare(newPodInfo(podWithClaims('data')))!(n1), ['persistentvolumeclaim "data" is being deleted']);
});

test('unbound WaitForFirstConsumer claims fit any node, or only the one already selected', () => {
  const f = volumeBindingFilter(lister([claim('data')], [], [wffc])).prepare(newPodInfo(podWithClaims('data')))!;
  assert.equal(f(n1), undefined);
  assert.equal(f(n2), undefined);
  const chosen = claim('data', {}, { 'volume.kubernetes.io/selected-node': 'n2' });
  const g = volumeBindingFilter(lister([chosen], [], [wffc])).prepare(newPodInfo(podWithClaims('data')))!;
  assert.deepEqual(g(n1), [ERR_BIND_CONFLICT]);
  assert.equal(g(n2), undefined);
});

test('allowedTopologies of the class limit where a delayed claim may be provisioned', () => {
  const zoned: StorageClass = { ...wffc, allowedTopologies: [{ matchLabelExpressions: [{ key: 'kubernetes.io/hostname', values: ['n2'] }] }] };
  const f = volumeBindingFilter(lister([claim('data')], [], [zoned])).prepare(newPodInfo(podWithClaims('data')))!;
  assert.deepEqual(f(n1), [ERR_BIND_CONFLICT]);
  assert.equal(f(n2), undefined);
});
