import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../api/types/index.js';
import type { RestClient } from '../client/index.js';
import { silentLogger } from '../client/index.js';
import { newPodInfo } from './pod-info.js';
import type { VolumeLister } from './plugins/volume-binding.js';
import { makePod } from './test-fixtures.js';
import { claimsState, VolumePreBinder } from './volume-prebind.js';

const SELECTED = 'volume.kubernetes.io/selected-node';
const wffc: StorageClass = { metadata: { name: 'local-path' }, provisioner: 'kubelite.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' };

function claim(name: string, annotations?: Record<string, string>, volumeName?: string, phase: 'Pending' | 'Bound' = volumeName ? 'Bound' : 'Pending'): PersistentVolumeClaim {
  return { metadata: { name, namespace: 'default', uid: `uid-${name}`, annotations }, spec: { storageClassName: 'local-path', volumeName }, status: { phase } };
}

function volume(name: string, host: string, claimUid: string): PersistentVolume {
  return {
    metadata: { name },
    spec: {
      claimRef: { uid: claimUid, namespace: 'default', name: 'x' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [host] }] }] } },
    },
  };
}

/** A lister over mutable arrays, so a test can play the binder and provisioner. */
function world(claims: PersistentVolumeClaim[], volumes: PersistentVolume[] = []): VolumeLister {
  return {
    claim: (ns, name) => claims.find((c) => c.metadata.namespace === ns && c.metadata.name === name),
    volume: (name) => volumes.find((v) => v.metadata.name === name),
    storageClass: (name) => (name === 'local-path' ? wffc : undefined),
    nodeLabels: (name) => ({ 'kubernetes.io/hostname': name }),
  };
}

const ref = [{ namespace: 'default', name: 'data' }];

test('claimsState: waiting, done, or wrong', () => {
  assert.deepEqual(claimsState(ref, 'n1', world([claim('data')])), { done: false });
  assert.deepEqual(claimsState(ref, 'n1', world([claim('data', { [SELECTED]: 'n1' })])), { done: false });
  const reset = claimsState(ref, 'n1', world([claim('data', { [SELECTED]: 'n2' })]));
  assert.match(reset.done ? '' : reset.error ?? '', /selectedNode annotation reset/);
  assert.match(JSON.stringify(claimsState(ref, 'n1', world([]))), /was deleted/);
  // named a volume the cache does not have yet: keep waiting
  assert.deepEqual(claimsState(ref, 'n1', world([claim('data', { [SELECTED]: 'n1' }, 'pv1')])), { done: false });
  assert.deepEqual(claimsState(ref, 'n1', world([claim('data', { [SELECTED]: 'n1' }, 'pv1')], [volume('pv1', 'n1', 'uid-data')])), { done: true });
  // named the volume but its status is not Bound yet: the kubelet would refuse to mount it
  assert.deepEqual(claimsState(ref, 'n1', world([claim('data', { [SELECTED]: 'n1' }, 'pv1', 'Pending')], [volume('pv1', 'n1', 'uid-data')])), { done: false });
  const elsewhere = claimsState(ref, 'n1', world([claim('data', {}, 'pv1')], [volume('pv1', 'n2', 'uid-data')]));
  assert.match(elsewhere.done ? '' : elsewhere.error ?? '', /volume node affinity conflict/);
});

function fakeClient(onPatch: (body: unknown) => void): { client: RestClient; patches: unknown[] } {
  const patches: unknown[] = [];
  const client = {
    patch: async (_info: unknown, _ns: string, name: string, body: unknown) => {
      patches.push({ name, body });
      onPatch(body);
      return {};
    },
  } as unknown as RestClient;
  return { client, patches };
}

function podUsing(...names: string[]) {
  const pod = makePod('p');
  pod.spec.volumes = names.map((n) => ({ name: n, persistentVolumeClaim: { claimName: n } }));
  return newPodInfo(pod);
}

test('preBind selects the node on the claim, then waits for the binding to show up', async () => {
  const claims = [claim('data')];
  const volumes: PersistentVolume[] = [];
  const { client, patches } = fakeClient(() => {
    // the binder and the provisioner, a little later
    setTimeout(() => {
      claims[0] = claim('data', { [SELECTED]: 'n1' }, 'pv1');
      volumes.push(volume('pv1', 'n1', 'uid-data'));
    }, 150);
  });
  const pb = new VolumePreBinder(client, world(claims, volumes), silentLogger, 5_000);
  const t0 = Date.now();
  await pb.preBind(podUsing('data'), 'n1');
  assert.ok(Date.now() - t0 >= 100, 'waited for the claim to be bound');
  assert.deepEqual(patches, [{ name: 'data', body: { metadata: { annotations: { [SELECTED]: 'n1' } } } }]);
});

test('preBind does nothing for bound claims or pods without claims, and times out when nothing binds', async () => {
  const { client, patches } = fakeClient(() => undefined);
  const bound = new VolumePreBinder(client, world([claim('data', {}, 'pv1')], [volume('pv1', 'n1', 'uid-data')]), silentLogger, 200);
  await bound.preBind(podUsing('data'), 'n1');
  await bound.preBind(podUsing(), 'n1');
  assert.equal(patches.length, 0);
  const stuck = new VolumePreBinder(client, world([claim('data', { [SELECTED]: 'n1' })]), silentLogger, 200);
  await assert.rejects(stuck.preBind(podUsing('data'), 'n1'), /timed out/);
  assert.equal(patches.length, 0, 'already selected: no patch');
});
