import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StorageClass } from '../api/types/index.js';
import {
  ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, bindClaimToVolume,
  bindVolumeToClaim, claimWithProvisioner, claimWithStatus, decideClaim, decideVolume, unbindVolume, volumeWithPhase,
} from './persistentvolume-decide.js';
import { claimRefTo, pv, pvc } from './persistentvolume-testutil.js';

const wffc: StorageClass = { metadata: { name: 'local' }, provisioner: 'kubelite.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' };
const immediate: StorageClass = { metadata: { name: 'fast' }, provisioner: 'example.com/fast', volumeBindingMode: 'Immediate' };

// ---------------------------------------------------------------- claims

test('an unbound claim binds to the best free volume', () => {
  const d = decideClaim(pvc('c', '1Gi'), { volumes: [pv('a', '2Gi'), pv('b', '1Gi')] });
  assert.equal(d.action === 'bind' && d.volume.metadata.name, 'b');
});

test('no volume and no class: pending with FailedBinding; a missing class: ProvisioningFailed', () => {
  const d = decideClaim(pvc('c', '1Gi'), { volumes: [] });
  assert.equal(d.action, 'pending');
  assert.equal(d.action === 'pending' && d.event?.reason, 'FailedBinding');
  const m = decideClaim(pvc('c', '1Gi', { storageClassName: 'gone' }), { volumes: [] });
  assert.equal(m.action === 'pending' && m.event?.message, 'storageclass.storage.k8s.io "gone" not found');
});

test('Immediate class without a fitting volume goes to its provisioner', () => {
  const d = decideClaim(pvc('c', '1Gi', { storageClassName: 'fast' }), { volumes: [], storageClass: immediate });
  assert.deepEqual(d, { action: 'provision', provisioner: 'example.com/fast' });
});

test('WaitForFirstConsumer waits for the selected node, then provisions', () => {
  const claim = pvc('c', '1Gi', { storageClassName: 'local' });
  const d = decideClaim(claim, { volumes: [pv('a', '1Gi', { storageClassName: 'local' })], storageClass: wffc });
  assert.equal(d.action === 'pending' && d.event?.reason, 'WaitForFirstConsumer');
  const chosen = pvc('c', '1Gi', { storageClassName: 'local' }, { [ANN_SELECTED_NODE]: 'n1' });
  const p = decideClaim(chosen, { volumes: [], storageClass: wffc, selectedNode: { name: 'n1' } });
  assert.deepEqual(p, { action: 'provision', provisioner: 'kubelite.io/local-path' });
});

test('a claim naming a volume: pending until it exists, bind when it fits or is reserved for it', () => {
  const claim = pvc('c', '1Gi', { volumeName: 'v' });
  assert.equal(decideClaim(claim, { volumes: [] }).action, 'pending');
  assert.equal(decideClaim(claim, { volumes: [], volume: pv('v', '1Gi') }).action, 'bind');
  const tooSmall = decideClaim(claim, { volumes: [], volume: pv('v', '500Mi') });
  assert.equal(tooSmall.action === 'pending' && tooSmall.event?.reason, 'VolumeMismatch');
  assert.equal(decideClaim(claim, { volumes: [], volume: pv('v', '1Gi', { claimRef: claimRefTo(claim) }) }).action, 'bind');
  const taken = pv('v', '1Gi', { claimRef: claimRefTo(pvc('other', '1Gi')) });
  assert.equal(decideClaim(claim, { volumes: [], volume: taken }).action, 'pending');
});

test('a bound claim: lost without its volume or when the volume names another claim', () => {
  const bound = pvc('c', '1Gi', { volumeName: 'v' }, { [ANN_BIND_COMPLETED]: 'yes' });
  const lost = decideClaim(bound, { volumes: [] });
  assert.equal(lost.action === 'lost' && lost.event.reason, 'ClaimLost');
  const mis = decideClaim(bound, { volumes: [], volume: pv('v', '1Gi', { claimRef: claimRefTo(pvc('x', '1Gi')) }) });
  assert.equal(mis.action === 'lost' && mis.event.reason, 'ClaimMisbound');
  assert.equal(decideClaim(bound, { volumes: [], volume: pv('v', '1Gi', { claimRef: claimRefTo(bound) }) }).action, 'bind');
  const noName = pvc('c', '1Gi', {}, { [ANN_BIND_COMPLETED]: 'yes' });
  assert.equal(decideClaim(noName, { volumes: [] }).action, 'lost');
});

test('binding writes: claimRef + bound-by-controller on the volume, volumeName + annotations on the claim', () => {
  const claim = pvc('c', '1Gi');
  const vol = bindVolumeToClaim(pv('v', '2Gi'), claim)!;
  assert.deepEqual(vol.spec.claimRef, { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'c', uid: 'uid-c', apiVersion: 'v1', resourceVersion: '7' });
  assert.equal(vol.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER], 'yes');
  assert.equal(bindVolumeToClaim(vol, claim), undefined, 'idempotent');
  const pre = bindVolumeToClaim(pv('v', '2Gi', { claimRef: claimRefTo(claim) }), claim);
  assert.equal(pre, undefined, 'a volume the user (or a provisioner) reserved gets no bound-by-controller');
  const c = bindClaimToVolume(claim, vol)!;
  assert.equal(c.spec.volumeName, 'v');
  assert.deepEqual(c.metadata.annotations, { [ANN_BOUND_BY_CONTROLLER]: 'yes', [ANN_BIND_COMPLETED]: 'yes' });
  assert.equal(bindClaimToVolume(c, vol), undefined);
  const byName = bindClaimToVolume(pvc('c', '1Gi', { volumeName: 'v' }), vol)!;
  assert.deepEqual(byName.metadata.annotations, { [ANN_BIND_COMPLETED]: 'yes' });
});

test('claim status: Bound takes the volume capacity and modes; Pending clears them', () => {
  const vol = pv('v', '2Gi', { accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] });
  const b = claimWithStatus(pvc('c', '1Gi'), 'Bound', vol)!;
  assert.deepEqual(b.status, { phase: 'Bound', accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], capacity: { storage: '2Gi' } });
  assert.equal(claimWithStatus(b, 'Bound', vol), undefined);
  assert.deepEqual(claimWithStatus(b, 'Pending')!.status, { phase: 'Pending' });
  assert.equal(claimWithStatus(pvc('c', '1Gi'), 'Pending'), undefined);
});

test('provisioner annotations are set once', () => {
  const c = claimWithProvisioner(pvc('c', '1Gi'), 'p')!;
  assert.equal(c.metadata.annotations?.[ANN_STORAGE_PROVISIONER], 'p');
  assert.equal(claimWithProvisioner(c, 'p'), undefined);
});

// ---------------------------------------------------------------- volumes

const steps = (s: ReturnType<typeof decideVolume>) => s.map((x) => (x.action === 'phase' ? `phase ${x.phase}` : x.action));

test('a volume without a claim (or only reserved by name) is Available', () => {
  assert.deepEqual(steps(decideVolume(pv('v', '1Gi', {}, 'Pending'), undefined)), ['phase Available']);
  assert.deepEqual(steps(decideVolume(pv('v', '1Gi', { claimRef: { namespace: 'default', name: 'c' } }), undefined)), ['phase Available']);
});

test('a volume whose claim is bound to it is Bound; half-way the claim is nudged', () => {
  const claim = pvc('c', '1Gi', { volumeName: 'v' });
  assert.deepEqual(steps(decideVolume(pv('v', '1Gi', { claimRef: claimRefTo(claim) }), claim)), ['phase Bound']);
  const unnamed = pvc('c', '1Gi');
  assert.deepEqual(steps(decideVolume(pv('v', '1Gi', { claimRef: claimRefTo(unnamed) }), unnamed)), ['enqueueClaim']);
});

test('claim gone: Released, then the reclaim policy', () => {
  const claim = pvc('c', '1Gi');
  const retain = pv('v', '1Gi', { claimRef: claimRefTo(claim) }, 'Bound');
  assert.deepEqual(steps(decideVolume(retain, undefined)), ['phase Released', 'none']);
  const again = pv('v', '1Gi', { claimRef: claimRefTo(claim) }, 'Released');
  assert.deepEqual(steps(decideVolume(again, undefined)), ['none'], 'Retain: stays Released');
  const provisioned = pv('v', '1Gi', { claimRef: claimRefTo(claim), persistentVolumeReclaimPolicy: 'Delete' }, 'Bound');
  provisioned.metadata.annotations = { [ANN_PROVISIONED_BY]: 'kubelite.io/local-path' };
  assert.deepEqual(steps(decideVolume(provisioned, undefined)), ['phase Released', 'none'], 'its provisioner deletes it');
  const manual = pv('v', '1Gi', { claimRef: claimRefTo(claim), persistentVolumeReclaimPolicy: 'Delete' }, 'Released');
  const failed = decideVolume(manual, undefined);
  assert.deepEqual(steps(failed), ['phase Failed']);
  assert.equal(failed[0].action === 'phase' && failed[0].event?.reason, 'VolumeFailedDelete');
  // a claim re-created with the same name is not the volume's claim
  const recreated = pvc('c', '1Gi');
  recreated.metadata.uid = 'new-uid';
  assert.deepEqual(steps(decideVolume(retain, recreated)), ['phase Released', 'none']);
});

test('claim bound elsewhere: our binding is undone, a provisioned Delete volume released', () => {
  const claim = pvc('c', '1Gi', { volumeName: 'other' });
  const ours = pv('v', '1Gi', { claimRef: claimRefTo(claim) }, 'Bound');
  ours.metadata.annotations = { [ANN_BOUND_BY_CONTROLLER]: 'yes' };
  assert.deepEqual(steps(decideVolume(ours, claim)), ['unbind', 'phase Available']);
  const freed = unbindVolume(ours);
  assert.equal(freed.spec.claimRef, undefined);
  assert.equal(freed.metadata.annotations, undefined);
  const users = unbindVolume(pv('v', '1Gi', { claimRef: claimRefTo(claim) }));
  assert.deepEqual(users.spec.claimRef, { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: 'c' });
  const prov = pv('v', '1Gi', { claimRef: claimRefTo(claim), persistentVolumeReclaimPolicy: 'Delete' }, 'Bound');
  prov.metadata.annotations = { [ANN_PROVISIONED_BY]: 'x' };
  assert.deepEqual(steps(decideVolume(prov, claim)), ['phase Released', 'none']);
});

test('volume phase writes keep the transition time while the phase stays', () => {
  const v = volumeWithPhase(pv('v', '1Gi', {}, 'Available'), 'Bound', 'T1')!;
  assert.deepEqual(v.status, { phase: 'Bound', lastPhaseTransitionTime: 'T1' });
  assert.equal(volumeWithPhase(v, 'Bound', 'T2'), undefined);
  const f = volumeWithPhase(v, 'Failed', 'T3', undefined, 'boom')!;
  assert.deepEqual(f.status, { phase: 'Failed', message: 'boom', lastPhaseTransitionTime: 'T3' });
});
