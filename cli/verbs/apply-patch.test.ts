import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAST_APPLIED, threeWayMergePatch, withLastApplied, type JsonMap } from './apply-patch.js';
import { APPLY_AFTER, APPLY_KUBECTL_PATCH, APPLY_LIVE } from './testdata.js';

const j = (v: unknown) => v as JsonMap;

test('the patch kubectl sent for the same apply, byte for byte', () => {
  const live = j(APPLY_LIVE);
  const original = JSON.parse((APPLY_LIVE.metadata.annotations as Record<string, string>)[LAST_APPLIED]) as JsonMap;
  const { modified } = withLastApplied(j(APPLY_AFTER));
  const patch = threeWayMergePatch(original, modified, live, 'Deployment');
  assert.equal(JSON.stringify(patch), APPLY_KUBECTL_PATCH);
});

test('last-applied: sorted keys, a newline, annotations kept as {} like kubectl', () => {
  const { modified, lastApplied } = withLastApplied(j({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'x', namespace: 'default' }, data: { a: '1' } }));
  assert.equal(lastApplied, '{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"x","namespace":"default"}}\n');
  assert.equal((modified.metadata as JsonMap).annotations && ((modified.metadata as JsonMap).annotations as JsonMap)[LAST_APPLIED], lastApplied);
});

test('unchanged config: empty patch', () => {
  const cfg = j({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' }, data: { a: '1' } });
  const { modified, lastApplied } = withLastApplied(cfg);
  const live = { ...structuredClone(modified), metadata: { ...(modified.metadata as JsonMap), uid: 'u', resourceVersion: '5' } };
  assert.deepEqual(threeWayMergePatch(JSON.parse(lastApplied) as JsonMap, modified, live, 'ConfigMap'), {});
});

test('fields dropped from the config become null; fields others set are left alone', () => {
  const original = j({ metadata: { name: 'x', labels: { a: '1', b: '2' } }, spec: { replicas: 2, paused: true } });
  const modified = j({ metadata: { name: 'x', labels: { a: '1' } }, spec: { replicas: 2 } });
  const live = j({ metadata: { name: 'x', labels: { a: '1', b: '2', other: 'x' } }, spec: { replicas: 5, paused: true, revisionHistoryLimit: 10 } });
  assert.deepEqual(threeWayMergePatch(original, modified, live, 'Deployment'), {
    metadata: { labels: { b: null } },
    spec: { paused: null, replicas: 2 },
  });
});

test('keyed lists: changed items by key, $setElementOrder, deletions as $patch: delete; atomic lists replaced', () => {
  const c = (name: string, image: string, extra: object = {}) => ({ name, image, ...extra });
  const original = j({ spec: { template: { spec: { containers: [c('a', 'x:1'), c('b', 'y:1')], tolerations: [{ key: 'k' }] } } } });
  const modified = j({ spec: { template: { spec: { containers: [c('c', 'z:1'), c('a', 'x:2')], tolerations: [{ key: 'k2' }] } } } });
  const live = j({ spec: { template: { spec: { containers: [c('a', 'x:1', { imagePullPolicy: 'Always' }), c('b', 'y:1')], tolerations: [{ key: 'k' }] } } } });
  assert.deepEqual(threeWayMergePatch(original, modified, live, 'Deployment'), {
    spec: { template: { spec: {
      '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }],
      containers: [{ image: 'z:1', name: 'c' }, { image: 'x:2', name: 'a' }, { $patch: 'delete', name: 'b' }],
      tolerations: [{ key: 'k2' }],
    } } },
  });
});

test('sets of scalars (finalizers): additions, $deleteFromPrimitiveList, order', () => {
  const original = j({ metadata: { finalizers: ['a', 'b'] } });
  const modified = j({ metadata: { finalizers: ['a', 'c'] } });
  const live = j({ metadata: { finalizers: ['a', 'b', 'x'] } });
  assert.deepEqual(threeWayMergePatch(original, modified, live, 'Pod'), {
    metadata: { '$deleteFromPrimitiveList/finalizers': ['b'], '$setElementOrder/finalizers': ['a', 'c'], finalizers: ['c'] },
  });
});

test('switching a deployment strategy sends $retainKeys', () => {
  const original = j({ spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } });
  const modified = j({ spec: { strategy: { type: 'Recreate' } } });
  const live = j({ spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } } } });
  assert.deepEqual(threeWayMergePatch(original, modified, live, 'Deployment'), {
    spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } },
  });
});
