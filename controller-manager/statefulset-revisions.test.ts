import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControllerRevision } from '../api/types/index.js';
import {
  applyRevision, currentRevision, hashRevision, newRevision, planUpdateRevision, revisionData, revisionsToDelete, templateOf,
} from './statefulset-revisions.js';
import { REF, setPod, statefulSet } from './statefulset-testutil.js';

function withImage(image: string) {
  const set = statefulSet();
  set.spec.template.spec!.containers[0].image = image;
  return set;
}

function stored(image: string, revision: number, created = `2024-01-0${revision}T00:00:00Z`): ControllerRevision {
  const rev = newRevision(withImage(image), revision, 0, REF);
  rev.metadata.creationTimestamp = created;
  return rev;
}

test('the data is the template as a replace patch, which kubectl rollout undo applies', () => {
  const set = statefulSet();
  const data = revisionData(set);
  assert.equal(data.spec.template.$patch, 'replace');
  assert.deepEqual(templateOf({ metadata: {}, data, revision: 1 }), set.spec.template);
});

test('name is `<set>-<hash>`, labels are the template labels plus the hash, owner is the set', () => {
  const rev = newRevision(statefulSet(), 1, 0, REF);
  const hash = rev.metadata.labels!['controller.kubernetes.io/hash'];
  assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(rev.metadata.name, `web-${hash}`);
  assert.equal(rev.metadata.labels!.app, 'web');
  assert.deepEqual(rev.metadata.ownerReferences, [REF]);
  assert.equal(rev.revision, 1);
});

test('hash: stable for equal templates, different for others and for another collision count', () => {
  assert.equal(hashRevision(revisionData(withImage('a'))), hashRevision(revisionData(withImage('a'))));
  assert.notEqual(hashRevision(revisionData(withImage('a'))), hashRevision(revisionData(withImage('b'))));
  assert.notEqual(hashRevision(revisionData(withImage('a')), 0), hashRevision(revisionData(withImage('a')), 1));
});

test('planUpdateRevision: create the first, reuse the latest, renumber an older one on rollback', () => {
  const first = planUpdateRevision(withImage('a'), [], REF);
  assert.equal(first.action, 'create');
  assert.equal(first.revision.revision, 1);

  const r1 = stored('a', 1);
  const r2 = stored('b', 2);
  const same = planUpdateRevision(withImage('b'), [r1, r2], REF);
  assert.deepEqual([same.action, same.revision.metadata.name], ['use', r2.metadata.name]);

  const back = planUpdateRevision(withImage('a'), [r2, r1], REF);
  assert.equal(back.action, 'renumber');
  assert.equal(back.revision.metadata.name, r1.metadata.name);
  assert.equal(back.action === 'renumber' && back.to, 3);

  const fresh = planUpdateRevision(withImage('c'), [r1, r2], REF);
  assert.equal(fresh.action, 'create');
  assert.equal(fresh.revision.revision, 3);
});

test('currentRevision follows status.currentRevision, else the update revision', () => {
  const r1 = stored('a', 1);
  const r2 = stored('b', 2);
  const set = withImage('b');
  assert.equal(currentRevision(set, [r1, r2], r2), r2);
  set.status = { replicas: 3, currentRevision: r1.metadata.name };
  assert.equal(currentRevision(set, [r1, r2], r2), r1);
  set.status.currentRevision = 'gone';
  assert.equal(currentRevision(set, [r1, r2], r2), r2);
});

test('applyRevision swaps in the revision template and leaves the set alone', () => {
  const set = withImage('new');
  const old = applyRevision(set, stored('old', 1));
  assert.equal(old.spec.template.spec!.containers[0].image, 'old');
  assert.equal(set.spec.template.spec!.containers[0].image, 'new');
  assert.equal((old.spec.template as { $patch?: string }).$patch, undefined);
});

test('history: oldest non-live revisions beyond the limit go; live ones never', () => {
  const set = statefulSet({ revisionHistoryLimit: 1 });
  const revs = [1, 2, 3, 4, 5].map((n) => stored(`img${n}`, n));
  const names = revs.map((r) => r.metadata.name!);
  const pods = [setPod(set, 0, names[1])];
  const gone = revisionsToDelete(set, revs, pods, names[3], names[4]).map((r) => r.metadata.name);
  // live: 2 (a pod), 4 (current), 5 (update); history 1, 3 → keep the newest one (3)
  assert.deepEqual(gone, [names[0]]);
  assert.deepEqual(revisionsToDelete(statefulSet(), revs, pods, names[3], names[4]), []);
});
