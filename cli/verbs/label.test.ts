import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metadataPatch, parseChanges } from './label.js';
import { imagePatch } from './set-image.js';
import { planDrain } from './cordon-drain.js';
import type { Pod } from '../../api/types/index.js';

test('label changes: set, remove, conflicts need --overwrite', () => {
  const ch = parseChanges(['a=1', 'b-', 'c=3'], 'label');
  assert.deepEqual(ch, { set: { a: '1', c: '3' }, remove: ['b'] });
  assert.deepEqual(metadataPatch({ b: 'x', c: '3' }, ch, 'labels', false), { metadata: { labels: { a: '1', b: null } } });
  assert.throws(() => metadataPatch({ a: '0' }, ch, 'labels', false), /'a' already has a value \(0\), and --overwrite is false/);
  assert.deepEqual(metadataPatch({ a: '0' }, ch, 'labels', true), { metadata: { labels: { a: '1', c: '3' } } });
  assert.equal(metadataPatch({ a: '1', c: '3' }, ch, 'labels', false), undefined);
  assert.throws(() => parseChanges(['a=1', 'a-'], 'label'));
});

test('set image: a strategic merge patch per container; * sets all', () => {
  const d = { kind: 'Deployment', metadata: { name: 'w' }, spec: { template: { spec: { initContainers: [{ name: 'init', image: 'a' }], containers: [{ name: 'nginx', image: 'n' }, { name: 'side', image: 's' }] } } } };
  assert.deepEqual(imagePatch(d, { nginx: 'nginx:1.27' }), { spec: { template: { spec: { containers: [{ image: 'nginx:1.27', name: 'nginx' }] } } } });
  assert.deepEqual(imagePatch(d, { '*': 'x' }), { spec: { template: { spec: {
    initContainers: [{ image: 'x', name: 'init' }], containers: [{ image: 'x', name: 'nginx' }, { image: 'x', name: 'side' }],
  } } } });
  assert.throws(() => imagePatch(d, { nope: 'x' }), /unable to find container named "nope"/);
  const pod = { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  assert.deepEqual(imagePatch(pod, { c: 'j' }), { spec: { containers: [{ image: 'j', name: 'c' }] } });
});

test('drain filters: daemon sets, unmanaged pods, emptyDir, mirror pods', () => {
  const pod = (name: string, extra: Partial<Pod['metadata']> = {}, spec: Partial<Pod['spec']> = {}): Pod =>
    ({ metadata: { name, namespace: 'default', ...extra }, spec: { containers: [], ...spec }, status: { phase: 'Running' } }) as Pod;
  const owned = (kind: string) => ({ ownerReferences: [{ apiVersion: 'apps/v1', kind, name: 'o', uid: 'u', controller: true }] });
  const pods = [pod('rs', owned('ReplicaSet')), pod('ds', owned('DaemonSet')), pod('bare'), pod('mirror', { annotations: { 'kubernetes.io/config.mirror': 'x' } }),
    pod('tmp', owned('ReplicaSet'), { volumes: [{ name: 'v', emptyDir: {} }] })];
  const strict = planDrain(pods, { force: false, ignoreDaemonsets: false, deleteEmptydirData: false });
  assert.deepEqual(strict.errors, [
    'cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/ds',
    'cannot delete Pods that declare no controller (use --force to override): default/bare',
    'cannot delete Pods with local storage (use --delete-emptydir-data to override): default/tmp',
  ]);
  const loose = planDrain(pods, { force: true, ignoreDaemonsets: true, deleteEmptydirData: true });
  assert.deepEqual(loose.errors, []);
  assert.deepEqual(loose.remove.map((p) => p.metadata.name), ['rs', 'bare', 'tmp']);
  assert.deepEqual(loose.warnings, [
    'ignoring DaemonSet-managed Pods: default/ds',
    'deleting Pods that declare no controller: default/bare',
    'deleting Pods with local storage: default/tmp',
  ]);
});
