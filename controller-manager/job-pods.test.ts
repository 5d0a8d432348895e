import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job, Pod } from '../api/types/index.js';
import { COMPLETION_INDEX_ANNOTATION, parseIntervals } from './job-indexes.js';
import { activePodsForRemoval, indexedGenerateName, jobPod, planManage } from './job-pods.js';
import { JOB_TRACKING_FINALIZER } from './job-status.js';

const ref = { apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'u1', controller: true, blockOwnerDeletion: true };

function job(spec: Partial<Job['spec']> = {}): Job {
  return {
    metadata: { name: 'pi', namespace: 'ns', uid: 'u1' },
    spec: {
      completions: 5, parallelism: 2, backoffLimit: 6,
      template: {
        metadata: { labels: { 'batch.kubernetes.io/job-name': 'pi' } },
        spec: { containers: [{ name: 'c', image: 'busybox', env: [{ name: 'A', value: '1' }] }], initContainers: [{ name: 'i', image: 'busybox' }], restartPolicy: 'Never' },
      },
      ...spec,
    },
  };
}

function pod(name: string, phase = 'Running', index?: number, ready = false): Pod {
  return {
    metadata: { name, uid: name, annotations: index === undefined ? undefined : { [COMPLETION_INDEX_ANNOTATION]: String(index) } },
    spec: { containers: [{ name: 'c' }], nodeName: phase === 'Pending' ? undefined : 'n1' },
    status: { phase, conditions: ready ? [{ type: 'Ready', status: 'True' }] : [] },
  } as Pod;
}

test('a NonIndexed pod: <job>-<random>, template labels, owner, tracking finalizer', () => {
  const p = jobPod(job(), ref);
  assert.equal(p.metadata.generateName, 'pi-');
  assert.equal(p.metadata.namespace, 'ns');
  assert.deepEqual(p.metadata.labels, { 'batch.kubernetes.io/job-name': 'pi' });
  assert.deepEqual(p.metadata.ownerReferences, [ref]);
  assert.deepEqual(p.metadata.finalizers, [JOB_TRACKING_FINALIZER]);
  assert.equal(p.spec.hostname, undefined);
  assert.equal(p.spec.containers[0].env?.length, 1);
});

test('an Indexed pod carries its index as annotation, label, env in every container, and hostname', () => {
  const p = jobPod(job({ completionMode: 'Indexed' }), ref, 3);
  assert.equal(p.metadata.generateName, 'pi-3-');
  assert.equal(p.metadata.annotations?.[COMPLETION_INDEX_ANNOTATION], '3');
  assert.equal(p.metadata.labels?.[COMPLETION_INDEX_ANNOTATION], '3');
  assert.equal(p.spec.hostname, 'pi-3');
  for (const c of [...p.spec.containers, ...(p.spec.initContainers ?? [])]) {
    const env = c.env?.find((e) => e.name === 'JOB_COMPLETION_INDEX');
    assert.equal(env?.valueFrom?.fieldRef?.fieldPath, `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']`, c.name);
  }
  assert.equal(p.spec.containers[0].env?.[0].name, 'A', 'user env stays first');
  // the template itself is untouched
  assert.equal(job().spec.template.spec?.containers[0].env?.length, 1);
});

test('indexed generateName stays within 58 characters', () => {
  const long = 'x'.repeat(60);
  const g = indexedGenerateName(long, 12345);
  assert.equal(g.length, 58);
  assert.ok(g.endsWith('-12345-'));
});

test('manage: creates up to parallelism, never beyond remaining completions', () => {
  assert.deepEqual(planManage({ job: job(), active: [], succeeded: 0, terminating: 0, backoffRemainingMs: 0 }), { kind: 'create', count: 2 });
  assert.deepEqual(planManage({ job: job(), active: [pod('a')], succeeded: 3, terminating: 0, backoffRemainingMs: 0 }), { kind: 'create', count: 1 });
  assert.deepEqual(planManage({ job: job(), active: [pod('a')], succeeded: 4, terminating: 0, backoffRemainingMs: 0 }), { kind: 'none' });
});

test('manage: surplus pods go, earliest stage first', () => {
  const plan = planManage({ job: job({ parallelism: 1 }), active: [pod('run', 'Running', undefined, true), pod('pend', 'Pending')], succeeded: 0, terminating: 0, backoffRemainingMs: 0 });
  assert.equal(plan.kind, 'delete');
  assert.deepEqual(plan.kind === 'delete' && plan.pods.map((p) => p.metadata.name), ['pend']);
});

test('manage: a suspended Job deletes every active pod', () => {
  const plan = planManage({ job: job({ suspend: true }), active: [pod('a'), pod('b')], succeeded: 0, terminating: 0, backoffRemainingMs: 0 });
  assert.equal(plan.kind, 'delete');
  assert.ok(plan.kind === 'delete' && plan.suspended && plan.pods.length === 2);
  assert.deepEqual(planManage({ job: job({ suspend: true }), active: [], succeeded: 0, terminating: 0, backoffRemainingMs: 0 }), { kind: 'none' });
});

test('manage: replacements wait for the failure backoff', () => {
  assert.deepEqual(planManage({ job: job(), active: [], succeeded: 0, terminating: 0, backoffRemainingMs: 7000 }), { kind: 'wait', backoffMs: 7000 });
});

test('manage: terminating pods hold their place only with podReplacementPolicy Failed', () => {
  assert.deepEqual(planManage({ job: job(), active: [], succeeded: 0, terminating: 2, backoffRemainingMs: 0 }), { kind: 'create', count: 2 });
  assert.deepEqual(planManage({ job: job({ podReplacementPolicy: 'Failed' }), active: [], succeeded: 0, terminating: 2, backoffRemainingMs: 0 }), { kind: 'none' });
});

test('manage Indexed: the lowest pending indexes, and duplicates removed first', () => {
  const ij = job({ completionMode: 'Indexed', completions: 4, parallelism: 3 });
  assert.deepEqual(planManage({ job: ij, active: [pod('a', 'Running', 1)], succeeded: 1, succeededIndexes: parseIntervals('0', 4), terminating: 0, backoffRemainingMs: 0 }),
    { kind: 'create', count: 2, indexes: [2, 3] });
  const dup = planManage({ job: ij, active: [pod('a', 'Running', 1, true), pod('b', 'Pending', 1)], succeeded: 0, terminating: 0, backoffRemainingMs: 0 });
  assert.equal(dup.kind, 'delete');
  assert.deepEqual(dup.kind === 'delete' && dup.pods.map((p) => p.metadata.name), ['b']);
  assert.deepEqual(activePodsForRemoval(ij, [pod('a', 'Running', 0), pod('b', 'Running', 9)], 0).map((p) => p.metadata.name), ['b']);
});
