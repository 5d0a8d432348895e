import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, PodTemplateSpec, ReplicaSet } from '../api/types/index.js';
import {
  copyDeploymentAnnotations, findNewReplicaSet, findOldReplicaSets, maxRevision, replicaSetForRevision, replicaSetsToCleanUp,
  REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, revisionOf, setNewReplicaSetAnnotations,
} from './deployment-revisions.js';
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION } from './deployment-rollout.js';

const template = (image: string, hash?: string): PodTemplateSpec => ({
  metadata: { labels: hash ? { app: 'web', 'pod-template-hash': hash } : { app: 'web' } },
  spec: { containers: [{ name: 'c', image }] },
});

function deployment(image: string, annotations: Record<string, string> = {}, extra: Partial<Deployment['spec']> = {}): Deployment {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'd1', annotations },
    spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: template(image), ...extra },
  };
}

function rs(name: string, image: string, revision: number | undefined, replicas = 0, created = '2024-01-01T00:00:00Z'): ReplicaSet {
  return {
    metadata: {
      name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: created, generation: 1,
      annotations: revision === undefined ? {} : { [REVISION_ANNOTATION]: String(revision) },
    },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: template(image, name) },
    status: { replicas, observedGeneration: 1 },
  };
}

test('revisions parse and max', () => {
  assert.equal(revisionOf(rs('a', 'i', 3)), 3);
  assert.equal(revisionOf(rs('a', 'i', undefined)), 0);
  assert.equal(revisionOf({ metadata: { annotations: { [REVISION_ANNOTATION]: 'x' } } }), 0);
  assert.equal(maxRevision([rs('a', 'i', 3), rs('b', 'i', 7), rs('c', 'i', undefined)]), 7);
  assert.equal(maxRevision([]), 0);
});

test('the new ReplicaSet is the one whose template (minus hash) equals the deployment\'s', () => {
  const list = [rs('v1', 'nginx:1', 1, 0), rs('v2', 'nginx:2', 2, 4)];
  assert.equal(findNewReplicaSet(deployment('nginx:2'), list)?.metadata.name, 'v2');
  assert.equal(findNewReplicaSet(deployment('nginx:3'), list), undefined);
  const { required, all } = findOldReplicaSets(deployment('nginx:2'), list);
  assert.deepEqual(all.map((r) => r.metadata.name), ['v1']);
  assert.deepEqual(required, [], 'v1 has no replicas');
  // Two equal templates: the oldest is the new one.
  const twins = [rs('late', 'nginx:2', 2, 0, '2024-01-02T00:00:00Z'), rs('early', 'nginx:2', 1, 0, '2024-01-01T00:00:00Z')];
  assert.equal(findNewReplicaSet(deployment('nginx:2'), twins)?.metadata.name, 'early');
});

test('a created ReplicaSet gets revision and replica annotations and the deployment\'s own annotations', () => {
  const d = deployment('nginx:2', {
    'kubernetes.io/change-cause': 'set image', [REVISION_ANNOTATION]: '1',
    'kubectl.kubernetes.io/last-applied-configuration': '{}',
  }, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
  const fresh = rs('v2', 'nginx:2', undefined);
  assert.ok(setNewReplicaSetAnnotations(d, fresh, 2, false));
  assert.deepEqual(fresh.metadata.annotations, {
    'kubernetes.io/change-cause': 'set image', [REVISION_ANNOTATION]: '2', [DESIRED_REPLICAS_ANNOTATION]: '4', [MAX_REPLICAS_ANNOTATION]: '5',
  });
  assert.ok(!setNewReplicaSetAnnotations(d, fresh, 2, true), 'nothing changes the second time');
});

test('rollback: an old ReplicaSet becoming new gets the next revision and remembers its old one', () => {
  // kubectl rollout undo copied the v1 template back: v1 (rev 1) is new again, v2 (rev 2) is old.
  const d = deployment('nginx:1');
  const v1 = rs('v1', 'nginx:1', 1);
  const v2 = rs('v2', 'nginx:2', 2, 4);
  const list = [v1, v2];
  const newRS = structuredClone(findNewReplicaSet(d, list)!);
  assert.equal(newRS.metadata.name, 'v1');
  const { all } = findOldReplicaSets(d, list);
  assert.ok(setNewReplicaSetAnnotations(d, newRS, maxRevision(all) + 1, true));
  assert.equal(newRS.metadata.annotations?.[REVISION_ANNOTATION], '3');
  assert.equal(newRS.metadata.annotations?.[REVISION_HISTORY_ANNOTATION], '1');
  // Rolled back again later: history grows.
  assert.ok(setNewReplicaSetAnnotations(d, newRS, 5, true));
  assert.equal(newRS.metadata.annotations?.[REVISION_HISTORY_ANNOTATION], '1,3');
  // A higher revision is never lowered.
  assert.ok(!setNewReplicaSetAnnotations(d, newRS, 4, true));
  assert.equal(newRS.metadata.annotations?.[REVISION_ANNOTATION], '5');
});

test('revision history annotation is trimmed from the front to the length limit', () => {
  const d = deployment('nginx:1');
  const r = rs('v1', 'nginx:1', 10);
  r.metadata.annotations![REVISION_HISTORY_ANNOTATION] = '1,2,3';
  setNewReplicaSetAnnotations(d, r, 11, true, 6);
  assert.equal(r.metadata.annotations?.[REVISION_HISTORY_ANNOTATION], '2,3,10');
});

test('deployment annotations that describe the deployment are not copied', () => {
  const d = deployment('i', { [REVISION_ANNOTATION]: '9', [DESIRED_REPLICAS_ANNOTATION]: '1', team: 'a' });
  const r = rs('x', 'i', 1);
  assert.ok(copyDeploymentAnnotations(d, r));
  assert.deepEqual(r.metadata.annotations, { [REVISION_ANNOTATION]: '1', team: 'a' });
});

test('undo picks the previous revision, or the one asked for (kubectl rsForRevision)', () => {
  const list = [rs('v1', 'a', 1), rs('v3', 'c', 3), rs('v2', 'b', 2), rs('none', 'd', undefined)];
  assert.equal(replicaSetForRevision(list, 0)?.metadata.name, 'v2');
  assert.equal(replicaSetForRevision(list, 1)?.metadata.name, 'v1');
  assert.equal(replicaSetForRevision(list, 7), undefined);
  assert.equal(replicaSetForRevision([rs('only', 'a', 1)], 0), undefined, 'no history to go back to');
  // After an undo from 2 to 1, v1 carries revision 3: undo again goes back to 2.
  assert.equal(replicaSetForRevision([rs('v1', 'a', 3), rs('v2', 'b', 2)], 0)?.metadata.name, 'v2');
});

test('revisionHistoryLimit deletes the lowest scaled-down revisions only', () => {
  const old = [rs('r3', 'c', 3), rs('r1', 'a', 1), rs('r2', 'b', 2), rs('r4', 'd', 4)];
  const d = deployment('z', {}, { revisionHistoryLimit: 2 });
  assert.deepEqual(replicaSetsToCleanUp(d, old).map((r) => r.metadata.name), ['r1', 'r2']);
  const busy = [rs('r1', 'a', 1, 2), rs('r2', 'b', 2), rs('r3', 'c', 3)];
  assert.deepEqual(replicaSetsToCleanUp(deployment('z', {}, { revisionHistoryLimit: 1 }), busy).map((r) => r.metadata.name), ['r2'], 'r1 still has replicas');
  const unsettled = rs('r1', 'a', 1);
  unsettled.metadata.generation = 2;
  assert.deepEqual(replicaSetsToCleanUp(deployment('z', {}, { revisionHistoryLimit: 0 }), [unsettled]), []);
  assert.deepEqual(replicaSetsToCleanUp(deployment('z', {}, { revisionHistoryLimit: 0 }), [rs('r1', 'a', 1)]).length, 1);
  assert.deepEqual(replicaSetsToCleanUp(deployment('z'), old), [], 'no limit, no cleanup');
});
