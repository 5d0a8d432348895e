import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControllerRevision, DaemonSet } from '../api/types/index.js';
import {
  daemonSetPatch, dedupCurrent, historyToCleanUp, maxRevision, newRevision, revisionMatches, splitHistory, templateHash,
} from './daemonset-history.js';

function ds(image: string, collisionCount?: number): DaemonSet {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'ns', uid: 'u1', annotations: { 'kubernetes.io/change-cause': 'v' } },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image }] } } },
    status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0, collisionCount },
  };
}

function rev(d: DaemonSet, revision: number, name?: string): ControllerRevision {
  const hash = templateHash(d);
  const cr = newRevision(d, revision, hash, { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'u1', controller: true });
  if (name) cr.metadata.name = name;
  return cr;
}

test('a revision is a strategic-merge patch replacing the template, named <ds>-<hash>', () => {
  const d = ds('a:1');
  const patch = daemonSetPatch(d);
  assert.equal(patch.spec.template.$patch, 'replace');
  assert.deepEqual(patch.spec.template.spec, d.spec.template.spec);
  const cr = rev(d, 3);
  const hash = templateHash(d);
  assert.equal(cr.metadata.name, `agent-${hash}`);
  assert.equal(cr.metadata.labels?.['controller-revision-hash'], hash);
  assert.equal(cr.metadata.labels?.app, 'agent');
  assert.equal(cr.metadata.annotations?.['kubernetes.io/change-cause'], 'v');
  assert.equal(cr.revision, 3);
  assert.equal(cr.metadata.ownerReferences?.[0].controller, true);
  assert.ok(revisionMatches(d, cr));
  assert.ok(!revisionMatches(ds('a:2'), cr));
});

test('the hash follows the template and the collision count, not the key order', () => {
  const a = ds('a:1');
  const b = ds('a:1');
  b.spec.template = { spec: b.spec.template.spec, metadata: b.spec.template.metadata };
  assert.equal(templateHash(a), templateHash(b));
  assert.notEqual(templateHash(a), templateHash(ds('a:2')));
  assert.notEqual(templateHash(a), templateHash(ds('a:1', 1)));
});

test('history splits into the current revision and old ones; duplicates keep the highest revision', () => {
  const cur = ds('a:2');
  const r1 = rev(ds('a:1'), 1);
  const r2 = rev(cur, 2);
  const dup = rev(cur, 4, 'agent-dup');
  const { current, old } = splitHistory(cur, [r1, r2, dup]);
  assert.deepEqual(old.map((c) => c.revision), [1]);
  assert.deepEqual(current.map((c) => c.revision).sort(), [2, 4]);
  const { keep, drop } = dedupCurrent(current);
  assert.equal(keep.revision, 4);
  assert.deepEqual(drop.map((c) => c.revision), [2]);
  assert.equal(maxRevision([r1, r2, dup]), 4);
  assert.equal(maxRevision([]), 0);
});

test('cleanup keeps revisionHistoryLimit old revisions, oldest go first, never one a live pod uses', () => {
  const olds = [1, 2, 3, 4].map((i) => rev(ds(`a:${i}`), i));
  assert.deepEqual(historyToCleanUp(olds, 2, new Set()).map((c) => c.revision), [1, 2]);
  const liveHash = olds[0].metadata.labels!['controller-revision-hash'];
  assert.deepEqual(historyToCleanUp(olds, 2, new Set([liveHash])).map((c) => c.revision), [2, 3]);
  assert.deepEqual(historyToCleanUp(olds, 4, new Set()), []);
  assert.deepEqual(historyToCleanUp(olds, 0, new Set()).map((c) => c.revision), [1, 2, 3, 4]);
  assert.deepEqual(historyToCleanUp(olds, undefined, new Set()), [], 'default limit 10');
});
