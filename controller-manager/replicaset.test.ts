import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/types/index.js';
import { calculateReplicaStatus, replicaStatusEqual } from './replicaset.js';
import { replicationControllerKind } from './replication-controller.js';
import { replicaSetKind } from './replicaset.js';
import { matches } from '../api/labels.js';

const now = Date.parse('2024-01-01T00:01:00Z');

function pod(name: string, labels: Record<string, string>, ready: boolean, readySince = '2024-01-01T00:00:00Z'): Pod {
  return {
    metadata: { name, labels },
    spec: { containers: [] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: readySince }] },
  };
}

test('status counts replicas, fully labeled, ready and available (minReadySeconds)', () => {
  const pods = [
    pod('a', { app: 'web', tier: 'fe' }, true),
    pod('b', { app: 'web', tier: 'fe' }, true, '2024-01-01T00:00:55Z'),
    pod('c', { app: 'web' }, false),
  ];
  const s = calculateReplicaStatus({ generation: 3, templateLabels: { app: 'web', tier: 'fe' }, minReadySeconds: 10 }, pods, undefined, now);
  assert.deepEqual(s, { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 3 });
  const s0 = calculateReplicaStatus({ generation: 1, minReadySeconds: 0 }, [], undefined, now);
  assert.deepEqual(s0, { replicas: 0, observedGeneration: 1 });
});

test('ReplicaFailure condition appears on manage errors and clears afterwards', () => {
  const failed = calculateReplicaStatus({ generation: 1, minReadySeconds: 0 }, [], { diff: -2, message: 'quota exceeded' }, now);
  assert.equal(failed.conditions?.[0].type, 'ReplicaFailure');
  assert.equal(failed.conditions?.[0].reason, 'FailedCreate');
  const again = calculateReplicaStatus({ generation: 1, minReadySeconds: 0, status: failed }, [], { diff: 1, message: 'other' }, now + 5000);
  assert.deepEqual(again.conditions, failed.conditions, 'an existing failure is kept as is');
  const cleared = calculateReplicaStatus({ generation: 1, minReadySeconds: 0, status: failed }, [], undefined, now);
  assert.equal(cleared.conditions, undefined);
});

test('status equality treats missing counts as zero', () => {
  assert.ok(replicaStatusEqual({ replicas: 0 }, { replicas: 0, readyReplicas: 0 }));
  assert.ok(!replicaStatusEqual({ replicas: 1 }, { replicas: 1, readyReplicas: 1 }));
  assert.ok(!replicaStatusEqual(undefined, { replicas: 0, observedGeneration: 1 }));
});

test('ReplicaSet and ReplicationController selectors', () => {
  const rs = { metadata: {}, spec: { selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [] } } } };
  assert.ok(matches(replicaSetKind.selector(rs), { app: 'web', x: 'y' }));
  assert.equal(replicaSetKind.replicas({ ...rs, spec: { ...rs.spec } }), 1, 'defaults to 1');
  assert.ok(matches(replicationControllerKind.selector({ metadata: {}, spec: { selector: { app: 'web' } } }), { app: 'web' }));
  assert.ok(!matches(replicationControllerKind.selector({ metadata: {}, spec: { selector: {} } }), { app: 'web' }), 'empty RC selector selects nothing');
});
