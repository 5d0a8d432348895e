import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta.js';
import {
  conflictCauses, conflictMessage, fieldSetOf, recordUpdateManager, serverSideApply, type ApplyOptions,
} from './apply.js';
import { DEPLOYMENT_GVK, SERVICE_GVK, at, deployment, service } from './testdata.js';
import { PatchError } from './errors.js';

const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T10:05:00Z';
const T2 = '2024-05-01T10:10:00Z';

/** What `kubectl apply --server-side` sends for a small nginx Deployment. */
function config(overrides: { replicas?: number; image?: string; env?: { name: string; value: string }[]; labels?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: overrides.labels ?? { app: 'web', tier: 'frontend' } },
    spec: {
      ...(overrides.replicas === undefined ? {} : { replicas: overrides.replicas }),
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: overrides.image ?? 'nginx:1.25',
              ports: [{ containerPort: 80 }],
              env: overrides.env ?? [{ name: 'MODE', value: 'prod' }, { name: 'LOG_LEVEL', value: 'info' }],
            },
          ],
        },
      },
    },
  };
}

const opts = (manager: string, now: string, force = false): ApplyOptions => ({ manager, force, now, gvk: DEPLOYMENT_GVK });

/** Simulates the store: the server assigns identity on create and keeps status. */
function stored(obj: KubeObject): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, uid: 'uid-1', resourceVersion: '1', generation: 1, creationTimestamp: T0 } };
}

function entry(obj: KubeObject, manager: string) {
  return obj.metadata.managedFields?.find((e) => e.manager === manager);
}

test('apply creates: the applied object plus an Apply entry in FieldsV1', () => {
  const { object, conflicts } = serverSideApply(undefined, config({ replicas: 2 }), opts('kubectl', T0));
  assert.deepEqual(conflicts, []);
  assert.equal(at(object, 'spec', 'replicas'), 2);
  assert.equal(at(object, 'spec', 'template', 'spec', 'containers', 0, 'image'), 'nginx:1.25');
  assert.deepEqual(object.metadata.managedFields, [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: T0,
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:selector': { 'f:matchLabels': { 'f:app': {} } },
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': {
              'f:containers': {
                'k:{"name":"nginx"}': {
                  '.': {},
                  'f:env': {
                    'k:{"name":"LOG_LEVEL"}': { '.': {}, 'f:name': {}, 'f:value': {} },
                    'k:{"name":"MODE"}': { '.': {}, 'f:name': {}, 'f:value': {} },
                  },
                  'f:image': {},
                  'f:name': {},
                  'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                },
              },
            },
          },
        },
      },
    },
  ]);
});

test('system metadata, status, apiVersion and kind are never owned', () => {
  const cfg = config();
  cfg.metadata = { ...cfg.metadata, uid: 'x', resourceVersion: '9', generation: 3, creationTimestamp: T0, managedFields: [{ manager: 'evil' }] };
  cfg.status = { replicas: 99 };
  const fields = fieldSetOf(cfg);
  assert.deepEqual(Object.keys(fields).sort(), ['f:metadata', 'f:spec']);
  assert.deepEqual(Object.keys(fields['f:metadata'] as object), ['f:labels']);
  const { object } = serverSideApply(undefined, cfg, opts('kubectl', T0));
  assert.equal(object.metadata.managedFields?.length, 1);
  assert.equal(object.metadata.managedFields?.[0].manager, 'kubectl');
});

test('re-applying the same config is a no-op apart from the entry time', () => {
  const first = stored(serverSideApply(undefined, config({ replicas: 2 }), opts('kubectl', T0)).object);
  const { object, conflicts } = serverSideApply(first, config({ replicas: 2 }), opts('kubectl', T1));
  assert.deepEqual(conflicts, []);
  assert.deepEqual({ ...object, metadata: { ...object.metadata, managedFields: [] } }, { ...first, metadata: { ...first.metadata, managedFields: [] } });
  assert.equal(object.metadata.managedFields?.[0].time, T1);
});

test('re-applying with fields removed removes them from the object and the entry', () => {
  const first = stored(serverSideApply(undefined, config({ replicas: 2 }), opts('kubectl', T0)).object);
  const { object, conflicts } = serverSideApply(
    first,
    config({ env: [{ name: 'MODE', value: 'prod' }], labels: { app: 'web' } }),
    opts('kubectl', T1),
  );
  assert.deepEqual(conflicts, []);
  assert.deepEqual(at(object, 'metadata', 'labels'), { app: 'web' });
  assert.equal(at(object, 'spec', 'replicas'), undefined);
  assert.deepEqual(at(object, 'spec', 'template', 'spec', 'containers', 0, 'env'), [{ name: 'MODE', value: 'prod' }]);
  assert.equal(at(object, 'spec', 'template', 'spec', 'containers', 0, 'name'), 'nginx');
  assert.equal(at(object, 'metadata', 'uid'), 'uid-1');
  const fields = entry(object, 'kubectl')?.fieldsV1;
  assert.equal(at(fields, 'f:spec', 'f:replicas'), undefined);
  assert.equal(at(fields, 'f:metadata', 'f:labels', 'f:tier'), undefined);
  assert.equal(at(fields, 'f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:env', 'k:{"name":"LOG_LEVEL"}'), undefined);
});

test('removing a whole container removes the item', () => {
  const two = config();
  (at(two, 'spec', 'template', 'spec', 'containers') as unknown[]).push({ name: 'sidecar', image: 'envoy:1.30' });
  const first = stored(serverSideApply(undefined, two, opts('kubectl', T0)).object);
  const { object } = serverSideApply(first, config(), opts('kubectl', T1));
  assert.deepEqual((at(object, 'spec', 'template', 'spec', 'containers') as { name: string }[]).map((c) => c.name), ['nginx']);
});

test('fields nobody applied (e.g. defaults, other writers) survive an apply', () => {
  const created = stored(serverSideApply(undefined, config({ replicas: 2 }), opts('kubectl', T0)).object);
  const defaulted = { ...created, spec: { ...(created.spec as object), revisionHistoryLimit: 10 }, status: { replicas: 2 } };
  const { object } = serverSideApply(defaulted, config({ replicas: 3 }), opts('kubectl', T1));
  assert.equal(at(object, 'spec', 'revisionHistoryLimit'), 10);
  assert.deepEqual(object.status, { replicas: 2 });
  assert.equal(at(object, 'spec', 'replicas'), 3);
});

test('two appliers disagreeing on a value conflict; agreeing shares ownership', () => {
  const first = stored(serverSideApply(undefined, config({ replicas: 2 }), opts('alice', T0)).object);
  const bobConfig: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5 } };
  const clash = serverSideApply(first, bobConfig, opts('bob', T1));
  assert.deepEqual(clash.conflicts.map(({ manager, field }) => ({ manager, field })), [{ manager: 'alice', field: '.spec.replicas' }]);
  assert.deepEqual(clash.object, first);
  assert.equal(conflictMessage(clash.conflicts), 'Apply failed with 1 conflict: conflict with "alice": .spec.replicas');

  const agree = serverSideApply(first, { ...bobConfig, spec: { replicas: 2 } }, opts('bob', T1));
  assert.deepEqual(agree.conflicts, []);
  assert.deepEqual(at(entry(agree.object, 'alice')?.fieldsV1, 'f:spec', 'f:replicas'), {});
  assert.deepEqual(at(entry(agree.object, 'bob')?.fieldsV1, 'f:spec', 'f:replicas'), {});
});

test('conflicts inside keyed lists name the item', () => {
  const first = stored(serverSideApply(undefined, config(), opts('alice', T0)).object);
  const bob: KubeObject = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
    spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } },
  };
  const { conflicts } = serverSideApply(first, bob, opts('bob', T1));
  assert.deepEqual(conflicts.map((c) => c.field), ['.spec.template.spec.containers[name="nginx"].image']);
});

test('force takes ownership; the previous owner keeps the rest and no longer removes the field', () => {
  const first = stored(serverSideApply(undefined, config({ replicas: 2 }), opts('alice', T0)).object);
  const bobConfig: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5 } };
  const forced = serverSideApply(first, bobConfig, opts('bob', T1, true));
  assert.deepEqual(forced.conflicts, []);
  assert.equal(at(forced.object, 'spec', 'replicas'), 5);
  assert.equal(at(entry(forced.object, 'alice')?.fieldsV1, 'f:spec', 'f:replicas'), undefined);
  assert.deepEqual(entry(forced.object, 'bob')?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });

  // alice drops replicas from her config: bob owns it now, so it stays.
  const after = serverSideApply(stored(forced.object), config(), opts('alice', T2));
  assert.deepEqual(after.conflicts, []);
  assert.equal(at(after.object, 'spec', 'replicas'), 5);
});

test('a field shared by two appliers stays when one of them stops applying it', () => {
  const first = stored(serverSideApply(undefined, config(), opts('alice', T0)).object);
  const shared = serverSideApply(first, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { tier: 'frontend' } } }, opts('bob', T1));
  const after = serverSideApply(stored(shared.object), config({ labels: { app: 'web' } }), opts('alice', T2));
  assert.deepEqual(at(after.object, 'metadata', 'labels'), { app: 'web', tier: 'frontend' });
});

test('apply after kubectl scale (an Update on /scale) conflicts on spec.replicas', () => {
  const created = stored(serverSideApply(undefined, config({ replicas: 2 }), opts('kubectl', T0)).object);
  const scaled = recordUpdateManager(
    created, { ...created, spec: { ...(created.spec as object), replicas: 5 } }, 'kubectl-scale', T1, 'apps/v1', 'scale',
  );
  assert.deepEqual(entry(scaled, 'kubectl-scale'), {
    manager: 'kubectl-scale', operation: 'Update', apiVersion: 'apps/v1', time: T1, fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:replicas': {} } }, subresource: 'scale',
  });
  assert.equal(at(entry(scaled, 'kubectl')?.fieldsV1, 'f:spec', 'f:replicas'), undefined);

  const { conflicts, object } = serverSideApply(scaled, config({ replicas: 2 }), opts('kubectl', T2));
  assert.deepEqual(conflicts.map(({ manager, field }) => ({ manager, field })), [{ manager: 'kubectl-scale', field: '.spec.replicas' }]);
  assert.equal(at(object, 'spec', 'replicas'), 5);
  assert.equal(
    conflictMessage(conflicts),
    `Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using apps/v1 at ${T1}: .spec.replicas`,
  );
  assert.deepEqual(conflictCauses(conflicts), [
    { reason: 'FieldManagerConflict', message: `conflict with "kubectl-scale" with subresource "scale" using apps/v1 at ${T1}`, field: '.spec.replicas' },
  ]);

  // Leaving replicas out of the config is the documented way to hand it to the scaler.
  const handOff = serverSideApply(scaled, config({ image: 'nginx:1.26' }), opts('kubectl', T2));
  assert.deepEqual(handOff.conflicts, []);
  assert.equal(at(handOff.object, 'spec', 'replicas'), 5);
  assert.equal(at(handOff.object, 'spec', 'template', 'spec', 'containers', 0, 'image'), 'nginx:1.26');
});

test('multiple conflicts are grouped by manager in the message', () => {
  const msg = conflictMessage([
    { manager: 'b', field: '.spec.x', operation: 'Apply' },
    { manager: 'a', field: '.spec.replicas', operation: 'Update', apiVersion: 'apps/v1' },
    { manager: 'a', field: '.spec.paused', operation: 'Update', apiVersion: 'apps/v1' },
  ]);
  assert.equal(msg, 'Apply failed with 3 conflicts: conflicts with "a" using apps/v1:\n- .spec.replicas\n- .spec.paused\nconflicts with "b":\n- .spec.x');
});

test('recordUpdateManager on create owns everything; on update only what changed', () => {
  const obj = deployment();
  const created = recordUpdateManager(undefined, obj, 'kubectl-create', T0, 'apps/v1');
  const e = entry(created, 'kubectl-create');
  assert.equal(e?.operation, 'Update');
  assert.equal(e?.subresource, undefined);
  assert.deepEqual(at(e?.fieldsV1, 'f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image'), {});
  assert.equal(at(e?.fieldsV1, 'f:status'), undefined);
  assert.equal(at(e?.fieldsV1, 'f:metadata', 'f:name'), undefined);

  const edited = structuredClone(created);
  (at(edited, 'spec', 'template', 'spec', 'containers', 0) as Record<string, unknown>).image = 'nginx:1.26';
  const updated = recordUpdateManager(created, edited, 'kubectl-edit', T1, 'apps/v1');
  assert.deepEqual(entry(updated, 'kubectl-edit')?.fieldsV1, {
    'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { 'f:image': {} } } } } },
  });
  const createEntry = entry(updated, 'kubectl-create')?.fieldsV1;
  assert.equal(at(createEntry, 'f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image'), undefined);
  assert.deepEqual(at(createEntry, 'f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:name'), {});
});

test('recordUpdateManager drops ownership of removed fields and empty entries; no-op updates add nothing', () => {
  const base = recordUpdateManager(undefined, deployment(), 'creator', T0, 'apps/v1');
  const labeled = recordUpdateManager(base, { ...base, metadata: { ...base.metadata, labels: { app: 'web', tier: 'frontend', env: 'prod' } } }, 'labeler', T1, 'apps/v1');
  assert.deepEqual(entry(labeled, 'labeler')?.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:env': {} } } });
  const unlabeled = recordUpdateManager(labeled, { ...labeled, metadata: { ...labeled.metadata, labels: { app: 'web', tier: 'frontend' } } }, 'other', T2, 'apps/v1');
  assert.equal(entry(unlabeled, 'labeler'), undefined);
  assert.equal(entry(unlabeled, 'other'), undefined);
  assert.equal(recordUpdateManager(base, structuredClone(base), 'noop', T1, 'apps/v1').metadata.managedFields?.length, 1);
});

test('status subresource updates own status fields only', () => {
  const base = recordUpdateManager(undefined, deployment(), 'creator', T0, 'apps/v1');
  const next = { ...base, status: { observedGeneration: 1, replicas: 2, readyReplicas: 1, conditions: [{ type: 'Available', status: 'False' }] } };
  const out = recordUpdateManager(base, next, 'deployment-controller', T1, 'apps/v1', 'status');
  assert.deepEqual(entry(out, 'deployment-controller')?.fieldsV1, {
    'f:status': { 'f:conditions': { 'k:{"type":"Available"}': { '.': {}, 'f:status': {}, 'f:type': {} } }, 'f:readyReplicas': {} },
  });
  assert.equal(entry(out, 'deployment-controller')?.subresource, 'status');
});

test('a client sending managedFields replaces them; omitting them keeps the stored ones', () => {
  const base = recordUpdateManager(undefined, deployment(), 'creator', T0, 'apps/v1');
  const { managedFields: _dropped, ...meta } = base.metadata;
  const kept = recordUpdateManager(base, { ...base, metadata: meta, spec: { ...(base.spec as object), replicas: 3 } }, 'ed', T1, 'apps/v1');
  assert.deepEqual(kept.metadata.managedFields?.map((e) => e.manager), ['creator', 'ed']);
  const reset = recordUpdateManager(base, { ...base, metadata: { ...meta, managedFields: [] }, spec: { ...(base.spec as object), replicas: 3 } }, 'ed', T1, 'apps/v1');
  assert.deepEqual(reset.metadata.managedFields?.map((e) => e.manager), ['ed']);
});

test('service ports are keyed by port and protocol for apply', () => {
  const svc = service();
  const created = recordUpdateManager(undefined, svc, 'kubectl-expose', T0, 'v1');
  assert.deepEqual(Object.keys(at(entry(created, 'kubectl-expose')?.fieldsV1, 'f:spec', 'f:ports') as object).sort(), [
    'k:{"port":80,"protocol":"TCP"}',
    'k:{"port":9090,"protocol":"TCP"}',
  ]);
  const applied: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 9090, targetPort: 9091 }] } };
  const { conflicts } = serverSideApply(created, applied, { manager: 'ops', force: false, now: T1, gvk: SERVICE_GVK });
  assert.deepEqual(conflicts.map((c) => c.field), ['.spec.ports[port=9090,protocol="TCP"].targetPort']);
  const forced = serverSideApply(created, applied, { manager: 'ops', force: true, now: T1, gvk: SERVICE_GVK });
  assert.deepEqual(at(forced.object, 'spec', 'ports'), [
    { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 30080 },
    { name: 'metrics', port: 9090, targetPort: 9091, protocol: 'TCP', nodePort: 30090 },
  ]);
});

test('finalizers are a set: members are owned individually', () => {
  const cfg = (finalizers: string[]): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', finalizers } });
  const first = stored(serverSideApply(undefined, cfg(['a.io/x', 'b.io/y']), opts('alice', T0)).object);
  assert.deepEqual(at(entry(first, 'alice')?.fieldsV1, 'f:metadata', 'f:finalizers'), { 'v:"a.io/x"': {}, 'v:"b.io/y"': {} });
  const both = serverSideApply(first, cfg(['c.io/z']), opts('bob', T1));
  assert.deepEqual(both.conflicts, []);
  assert.deepEqual(at(both.object, 'metadata', 'finalizers'), ['a.io/x', 'b.io/y', 'c.io/z']);
  const dropped = serverSideApply(stored(both.object), cfg(['a.io/x']), opts('alice', T2));
  assert.deepEqual(at(dropped.object, 'metadata', 'finalizers'), ['a.io/x', 'c.io/z']);
});

test('apply never mutates its inputs', () => {
  const current = stored(serverSideApply(undefined, config({ replicas: 2 }), opts('alice', T0)).object);
  const applied = config({ replicas: 4, env: [] });
  const snapshots = [structuredClone(current), structuredClone(applied)];
  serverSideApply(current, applied, opts('alice', T1, true));
  serverSideApply(current, applied, opts('bob', T1, true));
  recordUpdateManager(current, applied, 'x', T1, 'apps/v1');
  assert.deepEqual([current, applied], snapshots);
});

test('applied keyed lists must carry their keys exactly once', () => {
  const noName = config();
  (at(noName, 'spec', 'template', 'spec', 'containers') as unknown[]).push({ image: 'envoy' });
  assert.throws(() => serverSideApply(undefined, noName, opts('kubectl', T0)), (e: unknown) =>
    e instanceof PatchError && e.status === 422 &&
    e.message === '.spec.template.spec.containers: element 1: associative list with keys has an element that omits key field "name"');
  const dup = config({ env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] });
  assert.throws(() => serverSideApply(undefined, dup, opts('kubectl', T0)), /duplicate entries for key \[name="A"\]/);
});
