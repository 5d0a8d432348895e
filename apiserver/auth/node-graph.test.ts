import test from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta.js';
import { podReferences } from './pod-references.js';
import { ReferenceIndex } from './node-graph.js';

const pod = (name: string, node: string | undefined, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns' }, spec: { nodeName: node, containers: [], ...spec },
});

test('podReferences finds volumes, projected sources, env, envFrom, pull secrets and ephemeral claims', () => {
  const refs = podReferences(pod('p', 'w1', {
    imagePullSecrets: [{ name: 'pull' }],
    volumes: [
      { name: 's', secret: { secretName: 'vol-secret' } },
      { name: 'c', configMap: { name: 'vol-cm' } },
      { name: 'd', persistentVolumeClaim: { claimName: 'claim' } },
      { name: 'eph', ephemeral: { volumeClaimTemplate: { spec: {} } } },
      { name: 'proj', projected: { sources: [{ secret: { name: 'proj-secret' } }, { configMap: { name: 'proj-cm' } }, { serviceAccountToken: { path: 't' } }] } },
      { name: 'csi', csi: { driver: 'x', nodePublishSecretRef: { name: 'csi-secret' } } },
    ],
    initContainers: [{ name: 'i', envFrom: [{ secretRef: { name: 'init-secret' } }] }],
    containers: [{
      name: 'c', envFrom: [{ configMapRef: { name: 'from-cm' } }],
      env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'k' } } }, { name: 'B', valueFrom: { configMapKeyRef: { name: 'env-cm', key: 'k' } } }, { name: 'C', value: 'x' }],
    }],
  })).sort();
  assert.deepEqual(refs, [
    'configmaps/ns/env-cm', 'configmaps/ns/from-cm', 'configmaps/ns/proj-cm', 'configmaps/ns/vol-cm',
    'persistentvolumeclaims/ns/claim', 'persistentvolumeclaims/ns/p-eph',
    'secrets/ns/csi-secret', 'secrets/ns/env-secret', 'secrets/ns/init-secret', 'secrets/ns/proj-secret', 'secrets/ns/pull', 'secrets/ns/vol-secret',
  ]);
  assert.deepEqual(podReferences({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: 'junk' } as unknown as KubeObject), []);
});

test('ReferenceIndex counts per node and forgets on rebinding and deletion', () => {
  const idx = new ReferenceIndex();
  const spec = { volumes: [{ name: 's', secret: { secretName: 'db' } }] };
  idx.setPod('k1', pod('a', 'w1', spec));
  idx.setPod('k2', pod('b', 'w1', spec));
  idx.setPod('k3', pod('c', undefined, spec));
  assert.equal(idx.has('secrets', 'ns', 'db', 'w1'), true);
  assert.equal(idx.has('secrets', 'ns', 'db', 'w2'), false);
  assert.equal(idx.has('secrets', 'other', 'db', 'w1'), false);
  idx.setPod('k1', undefined);
  assert.equal(idx.has('secrets', 'ns', 'db', 'w1'), true, 'pod b still uses it');
  idx.setPod('k2', pod('b', 'w1', {}));
  assert.equal(idx.has('secrets', 'ns', 'db', 'w1'), false);
  idx.setPod('k3', pod('c', 'w2', spec));
  assert.equal(idx.has('secrets', 'ns', 'db', 'w2'), true);
});

test('ReferenceIndex: a write that keeps the same spec object (a status update) counts its references once', () => {
  const idx = new ReferenceIndex();
  const p = pod('a', 'w1', { volumes: [{ name: 's', secret: { secretName: 'db' } }] });
  idx.setPod('k1', p);
  idx.setPod('k1', { ...p, status: { phase: 'Running' } });
  idx.setPod('k1', { ...p, status: { phase: 'Running', podIP: '10.0.0.1' } });
  assert.equal(idx.has('secrets', 'ns', 'db', 'w1'), true);
  idx.setPod('k1', undefined);
  assert.equal(idx.has('secrets', 'ns', 'db', 'w1'), false, 'one deletion undoes it: it was counted once');
  idx.setPod('k1', p);
  idx.setPod('k1', { ...p, spec: { ...(p.spec as object), nodeName: 'w2' } });
  assert.equal(idx.has('secrets', 'ns', 'db', 'w1'), false, 'a new spec object is read again');
  assert.equal(idx.has('secrets', 'ns', 'db', 'w2'), true);
});
