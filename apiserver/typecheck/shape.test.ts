import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyDefaults } from '../../api/defaults.js';
import { decodeKubernetesProtobuf } from '../protobuf/decode.js';
import type { KubeObject } from '../../api/meta.js';
import {
  fullConfigMap, fullCronJob, fullDeployment, fullHpaV1, fullHpaV2, fullJob, fullLease, fullNamespace, fullPod, fullSecret, fullService, fullStatefulSet,
} from './fixtures.js';
import { QUANTITY_FORMAT_ERROR } from './go-values.js';
import { checkShape, formatShapeError, hasShape, pruneUnknownFields, unknownFieldMessages } from './shape.js';
import type { ShapeResult } from './shape.js';

type Loose = Record<string, any>; // test-only: bodies are arbitrary JSON

const STRICT = { strict: true };

function check(obj: unknown, strict = true): ShapeResult {
  const o = obj as KubeObject;
  return checkShape(obj, o.apiVersion ?? '', o.kind ?? '', { strict });
}

function firstError(obj: unknown): string {
  return formatShapeError(check(obj));
}

function deployment(): Loose {
  return fullDeployment() as Loose;
}

describe('checkShape: valid objects', () => {
  const objects: [string, () => KubeObject][] = [
    ['Pod', fullPod],
    ['Deployment', fullDeployment],
    ['Service', fullService],
    ['Job', fullJob],
    ['CronJob', fullCronJob],
    ['HorizontalPodAutoscaler autoscaling/v1', fullHpaV1],
    ['HorizontalPodAutoscaler autoscaling/v2', fullHpaV2],
    ['StatefulSet with volumeClaimTemplates', fullStatefulSet],
    ['Secret', fullSecret],
    ['ConfigMap', fullConfigMap],
    ['Namespace', fullNamespace],
    ['Lease', fullLease],
  ];
  for (const [name, make] of objects) {
    it(`${name} passes as sent and after defaulting`, () => {
      const obj = make();
      assert.deepEqual(check(obj), { typeErrors: [], unknownFields: [] });
      applyDefaults(obj);
      assert.deepEqual(check(obj), { typeErrors: [], unknownFields: [] });
    });
  }

  it('a bare manifest defaulted by applyDefaults passes', () => {
    const pod: Loose = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx', livenessProbe: { httpGet: { port: 80 } } }], volumes: [{ name: 'v' }] } };
    applyDefaults(pod as KubeObject);
    assert.equal(pod.spec.volumes[0].emptyDir !== undefined, true); // defaulting did run
    assert.deepEqual(check(pod), { typeErrors: [], unknownFields: [] });
  });

  it('objects decoded from real kubectl protobuf bodies pass', (t) => {
    const dir = kubectlFixtureDir();
    if (!dir) throw new Error('test/fixtures/kubectl-protobuf not found');
    const files = readdirSync(dir).filter((f) => f.endsWith('.bin'));
    assert.ok(files.length > 0);
    for (const file of files) {
      const obj = decodeKubernetesProtobuf(readFileSync(path.join(dir, file)));
      applyDefaults(obj);
      assert.deepEqual(check(obj), { typeErrors: [], unknownFields: [] }, file);
    }
  });

  it('accepts null anywhere, as Go leaves the zero value', () => {
    const d = deployment();
    d.metadata.creationTimestamp = null;
    d.metadata.labels = null;
    d.spec.replicas = null;
    d.spec.template.spec.containers[0].ports = null;
    d.spec.template.spec.containers.push(null);
    d.metadata.labels = { a: null };
    d.status = null;
    assert.deepEqual(check(d), { typeErrors: [], unknownFields: [] });
  });

  it('treats managedFields[].fieldsV1 as free-form JSON', () => {
    const d = deployment();
    d.metadata.managedFields[0].fieldsV1 = { 'f:spec': { 'f:template': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} } } }, anything: [1, 'x', true] };
    assert.deepEqual(check(d), { typeErrors: [], unknownFields: [] });
  });

  it('treats map values as free-form keys, not fields', () => {
    const p: Loose = fullPod();
    p.metadata.labels = { 'example.com/any-key': 'v', spec: 'x' };
    p.spec.nodeSelector = { replcas: 'y' };
    p.spec.containers[0].resources.limits = { 'nvidia.com/gpu': 1, 'hugepages-2Mi': '100Mi' };
    assert.deepEqual(check(p), { typeErrors: [], unknownFields: [] });
  });

  it('knows the in-tree volume sources the trimmed protobuf schema leaves out', () => {
    const p: Loose = fullPod();
    p.spec.volumes.push(
      { name: 'gce', gcePersistentDisk: { pdName: 'd', fsType: 'ext4', partition: 1, readOnly: true } },
      { name: 'nfs', nfs: { server: 'n', path: '/x' } },
      { name: 'git', gitRepo: { repository: 'https://x', revision: 'main' } },
      { name: 'iscsi', iscsi: { targetPortal: 'p', iqn: 'i', lun: 0, secretRef: { name: 's' } } },
    );
    assert.deepEqual(check(p), { typeErrors: [], unknownFields: [] });
  });
});

describe('checkShape: type errors', () => {
  it('ConfigMap data given as a string', () => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: 'not-a-map' };
    assert.deepEqual(check(body).typeErrors, ['json: cannot unmarshal string into Go struct field ConfigMap.data of type map[string]string']);
  });

  it('Deployment replicas given as a string', () => {
    const d = deployment();
    d.spec.replicas = '3';
    assert.equal(firstError(d), 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  });

  it('label value given as a number', () => {
    const d = deployment();
    d.metadata.labels.version = 1.0;
    assert.equal(firstError(d), 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
  });

  it('name given as a number, boolean for a string, string for a bool', () => {
    const d = deployment();
    d.metadata.name = 42;
    assert.equal(firstError(d), 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string');
    const e = deployment();
    e.spec.template.spec.containers[0].env[0].value = true;
    assert.equal(firstError(e), 'json: cannot unmarshal bool into Go struct field EnvVar.spec.template.spec.containers.env.value of type string');
    const f = deployment();
    f.spec.paused = 'true';
    assert.equal(firstError(f), 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool');
  });

  it('arrays where objects belong and objects where arrays belong', () => {
    const d = deployment();
    d.spec.template = [];
    assert.equal(firstError(d), 'json: cannot unmarshal array into Go struct field DeploymentSpec.spec.template of type v1.PodTemplateSpec');
    const e = deployment();
    e.spec.template.spec.containers = { name: 'web' };
    assert.equal(firstError(e), 'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container');
    const f = deployment();
    f.spec.template.spec.containers[0].args = 'run';
    assert.equal(firstError(f), 'json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.args of type []string');
    const g = deployment();
    g.spec.template.spec.containers = ['web'];
    assert.equal(firstError(g), 'json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.containers of type v1.Container');
  });

  it('non-integers and out-of-range numbers for int fields', () => {
    const d = deployment();
    d.spec.replicas = 1.5;
    assert.equal(firstError(d), 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32');
    const e = deployment();
    e.spec.template.spec.containers[0].ports[0].containerPort = 2147483648;
    assert.equal(firstError(e), 'json: cannot unmarshal number 2147483648 into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32');
    const f = deployment();
    f.metadata.generation = 2 ** 62; // fits int64
    assert.equal(firstError(f), '');
  });

  it('names the Go named type, and the embedding struct for inlined fields', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].imagePullPolicy = 1;
    assert.equal(firstError(d), 'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.imagePullPolicy of type v1.PullPolicy');
    const e = deployment();
    e.spec.template.spec.containers[0].livenessProbe.httpGet = 'GET /';
    assert.equal(firstError(e), 'json: cannot unmarshal string into Go struct field Probe.spec.template.spec.containers.livenessProbe.httpGet of type v1.HTTPGetAction');
    const f = deployment();
    f.spec.template.spec.volumes[0].configMap.name = false;
    assert.equal(firstError(f), 'json: cannot unmarshal bool into Go struct field ConfigMapVolumeSource.spec.template.spec.volumes.configMap.name of type string');
    const g = deployment();
    g.spec.template.spec.containers[0].resources.limits = ['1'];
    assert.equal(firstError(g), 'json: cannot unmarshal array into Go struct field ResourceRequirements.spec.template.spec.containers.resources.limits of type v1.ResourceList');
  });

  it('quantities accept strings and numbers but must parse', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].resources.requests.cpu = 2;
    assert.equal(firstError(d), '');
    d.spec.template.spec.containers[0].resources.requests.cpu = 'two';
    assert.equal(firstError(d), QUANTITY_FORMAT_ERROR);
    d.spec.template.spec.containers[0].resources.requests.cpu = true;
    assert.equal(firstError(d), QUANTITY_FORMAT_ERROR);
  });

  it('int-or-string accepts both, and decodes anything else as an int32', () => {
    const s: Loose = fullService();
    s.spec.ports[0].targetPort = 8080;
    assert.equal(firstError(s), '');
    s.spec.ports[0].targetPort = true;
    assert.equal(firstError(s), 'json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32');
    s.spec.ports[0].targetPort = 80.5;
    assert.equal(firstError(s), 'json: cannot unmarshal number 80.5 into Go struct field ServicePort.spec.ports.targetPort of type int32');
  });

  it('times must be strings in RFC 3339; MicroTime needs microseconds', () => {
    const d = deployment();
    d.metadata.creationTimestamp = 1700000000;
    assert.equal(firstError(d), 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string');
    d.metadata.creationTimestamp = 'yesterday';
    assert.equal(firstError(d), 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"');
    const l: Loose = fullLease();
    l.spec.renewTime = '2025-03-01T10:00:30Z';
    assert.equal(firstError(l), 'parsing time "2025-03-01T10:00:30Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"');
  });

  it('secret data must be base64', () => {
    const s: Loose = fullSecret();
    s.data.password = 'not base64!';
    assert.equal(firstError(s), 'illegal base64 data at input byte 3');
    s.data.password = 5;
    assert.equal(firstError(s), 'json: cannot unmarshal number into Go struct field Secret.data of type []uint8');
  });

  it('reports what Go reports first: a custom unmarshaler error beats earlier plain mismatches', () => {
    const d = deployment();
    d.spec.replicas = '3';
    d.spec.template.spec.containers[0].resources.limits.cpu = 'lots';
    d.spec.template.spec.containers[0].image = 7;
    const res = check(d);
    assert.equal(res.typeErrors[0], QUANTITY_FORMAT_ERROR);
    // The rest follow in document order (image comes before resources in the container).
    assert.deepEqual(res.typeErrors.slice(1), [
      'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
      'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string',
    ]);
  });

  it('rejects a body that is not an object', () => {
    assert.deepEqual(checkShape([], 'apps/v1', 'Deployment', STRICT).typeErrors, ['json: cannot unmarshal array into Go value of type v1.Deployment']);
  });

  it('checks apiVersion and kind as strings', () => {
    const d = deployment();
    assert.equal(formatShapeError(checkShape({ ...d, kind: 5 }, 'apps/v1', 'Deployment', STRICT)), 'json: cannot unmarshal number into Go struct field Deployment.kind of type string');
  });
});

describe('checkShape: unknown fields', () => {
  it('reports spec.replcas and a nested container typo with exact paths in strict mode', () => {
    const d = deployment();
    d.spec = { replcas: 3, ...d.spec }; // typed where replicas would be
    d.spec.template.spec.containers[0].imagePullPolcy = 'Always';
    const res = check(d);
    assert.deepEqual(res, { typeErrors: [], unknownFields: ['spec.replcas', 'spec.template.spec.containers[0].imagePullPolcy'] });
    assert.equal(formatShapeError(res), 'strict decoding error: unknown field "spec.replcas", unknown field "spec.template.spec.containers[0].imagePullPolcy"');
    assert.deepEqual(unknownFieldMessages(res), ['unknown field "spec.replcas"', 'unknown field "spec.template.spec.containers[0].imagePullPolcy"']);
  });

  it('collects nothing unknown when not strict', () => {
    const d = deployment();
    d.spec.replcas = 3;
    d.spec.template.spec.containers[0].imagePullPolcy = 'Always';
    assert.deepEqual(check(d, false), { typeErrors: [], unknownFields: [] });
  });

  it('is case-sensitive, like Kubernetes decoding', () => {
    const d = deployment();
    d.spec.Replicas = 3;
    assert.deepEqual(check(d).unknownFields, ['spec.Replicas']);
  });

  it('indexes every list level and skips the inside of unknown fields', () => {
    const p: Loose = fullPod();
    p.spec.volumes[2].persistentVolumeClaim.readonly = true;
    p.spec.containers[0].env[3].valueFrom.secretKeyRef.nme = 'x';
    p.status.containerStatuses[0].state.running.since = 'now';
    p.spec.bogus = { deep: { er: 1 } };
    // Document order: spec's own keys come before the ones added at its end.
    assert.deepEqual(check(p).unknownFields, [
      'spec.containers[0].env[3].valueFrom.secretKeyRef.nme',
      'spec.volumes[2].persistentVolumeClaim.readonly',
      'spec.bogus',
      'status.containerStatuses[0].state.running.since',
    ]);
  });

  it('lets volumeClaimTemplates carry apiVersion/kind but not a pod template', () => {
    const s: Loose = fullStatefulSet();
    s.spec.template.kind = 'PodTemplateSpec';
    assert.deepEqual(check(s).unknownFields, ['spec.template.kind']);
  });

  it('type errors win over unknown fields in the message', () => {
    const d = deployment();
    d.spec.replcas = 3;
    d.spec.replicas = 'x';
    assert.equal(formatShapeError(check(d)), 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  });

  it('stops at 100 unknown fields, as Kubernetes does', () => {
    const cm: Loose = fullConfigMap();
    for (let i = 0; i < 150; i++) cm[`extra${i}`] = i;
    assert.equal(check(cm).unknownFields.length, 100);
  });

  it('quotes odd field names like Go %q', () => {
    const cm: Loose = fullConfigMap();
    cm['we"ird\n'] = 1;
    assert.equal(formatShapeError(check(cm)), 'strict decoding error: unknown field "we\\"ird\\n"');
  });
});

describe('pruneUnknownFields', () => {
  it('drops unknown fields at any depth, as Go decoding does, and copies only what changed', () => {
    const d = deployment();
    d.spec.replcas = 3;
    d.spec.template.spec.containers[0].imagePullPolcy = 'Always';
    d.metadata.managedFields[0].fieldsV1.unknownToGo = {}; // free-form: kept
    const before = JSON.stringify(d);
    const pruned = pruneUnknownFields(d, 'apps/v1', 'Deployment') as Loose;
    assert.equal(JSON.stringify(d), before, 'input untouched');
    assert.equal('replcas' in pruned.spec, false);
    assert.equal('imagePullPolcy' in pruned.spec.template.spec.containers[0], false);
    assert.deepEqual(pruned.metadata.managedFields[0].fieldsV1.unknownToGo, {});
    assert.equal(pruned.metadata, d.metadata, 'unchanged subtrees are shared');
    assert.equal(pruned.spec.template.spec.volumes, d.spec.template.spec.volumes);
    assert.deepEqual(check(pruned), { typeErrors: [], unknownFields: [] });
  });

  it('returns the object itself when nothing is unknown, or the kind has no schema', () => {
    const p = fullPod();
    assert.equal(pruneUnknownFields(p, 'v1', 'Pod'), p);
    const node = { apiVersion: 'v1', kind: 'Node', bogus: 1 };
    assert.equal(pruneUnknownFields(node, 'v1', 'Node'), node);
  });
});

describe('checkShape: kinds and formatting', () => {
  it('lets kinds outside the schema through', () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' }, rules: 'anything', bogus: 1 };
    assert.deepEqual(check(role), { typeErrors: [], unknownFields: [] });
    assert.deepEqual(checkShape({ spec: 1 }, 'v1', 'Node', STRICT), { typeErrors: [], unknownFields: [] });
    assert.deepEqual(checkShape({ spec: 1 }, 'apps/v2', 'Deployment', STRICT), { typeErrors: [], unknownFields: [] });
    assert.equal(hasShape('v1', 'Node'), false);
    assert.equal(hasShape('apps/v1', 'Deployment'), true);
  });

  it('formats nothing for a clean result, and prefixes like the apiserver', () => {
    assert.equal(formatShapeError({ typeErrors: [], unknownFields: [] }), '');
    const d = deployment();
    d.spec.replcas = 3;
    assert.equal(
      formatShapeError(check(d), { apiVersion: 'apps/v1', kind: 'Deployment' }),
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replcas"',
    );
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: 'not-a-map' };
    assert.equal(
      formatShapeError(check(cm), { apiVersion: 'v1', kind: 'ConfigMap' }),
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal string into Go struct field ConfigMap.data of type map[string]string',
    );
  });

  it('does not modify the object', () => {
    const d = deployment();
    d.spec.replcas = 1;
    d.spec.replicas = '1';
    const before = JSON.stringify(d);
    check(d);
    assert.equal(JSON.stringify(d), before);
  });
});

/** The captured kubectl bodies live in shared/ beside the checkout; walk up to find them. */
function kubectlFixtureDir(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'test', 'fixtures', 'kubectl-protobuf');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
