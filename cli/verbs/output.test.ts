import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta.js';
import { actionLine, formatObjects, itemsWithKind, objectName, parseOutputFormat, toJson, toYaml } from './output.js';
import { withoutManagedFields } from '../../api/meta.js';
import { CliError } from './errors.js';

const deploy: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } }, spec: { selector: { matchLabels: { app: 'web' } } } };
const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', creationTimestamp: '2024-05-01T10:00:00Z', resourceVersion: '8', labels: { on: 'yes' } } };

test('-o parsing', () => {
  assert.deepEqual(parseOutputFormat(undefined), { t: 'table', wide: false });
  assert.deepEqual(parseOutputFormat('wide'), { t: 'table', wide: true });
  assert.equal(parseOutputFormat('jsonpath={.a}').t, 'jsonpath');
  assert.equal(parseOutputFormat('custom-columns=N:.metadata.name').t, 'custom-columns');
  assert.throws(() => parseOutputFormat('xml'), CliError);
});

test('YAML like kubectl: sorted keys, flush sequences, YAML 1.1 quoting, no anchors', () => {
  assert.equal(toYaml(pod), [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  creationTimestamp: "2024-05-01T10:00:00Z"',
    '  labels:',
    // like Go's yaml.v2, a key YAML 1.1 would read as a boolean is quoted too
    '    "on": "yes"',
    '  name: p',
    '  resourceVersion: "8"',
    '',
  ].join('\n'));
  assert.doesNotMatch(toYaml(deploy), /[&*]/);
  assert.match(toYaml({ a: [{ b: 1 }] }), /^a:\n- b: 1\n$/);
});

test('JSON like kubectl: four spaces, sorted keys', () => {
  assert.equal(toJson({ b: 1, a: { d: 2, c: 3 } }), '{\n    "a": {\n        "c": 3,\n        "d": 2\n    },\n    "b": 1\n}\n');
});

test('one named object prints bare, several in a List', () => {
  assert.match(formatObjects([pod], { t: 'yaml' }, true), /^apiVersion: v1\nkind: Pod/);
  assert.match(formatObjects([pod, deploy], { t: 'yaml' }, false), /^apiVersion: v1\nitems:\n- apiVersion: v1\n/);
  assert.match(formatObjects([pod], { t: 'yaml' }, false), /kind: List\nmetadata:\n {2}resourceVersion: ""\n$/);
  assert.equal(formatObjects([pod, deploy], { t: 'name' }, false), 'pod/p\ndeployment.apps/web\n');
});

test('names and action lines', () => {
  assert.equal(objectName(deploy), 'deployment.apps/web');
  assert.equal(actionLine(deploy, 'created'), 'deployment.apps/web created\n');
  assert.equal(actionLine(deploy, 'created', false, true), 'deployment.apps/web created (dry run)\n');
});

test('list items get their kind; managedFields are hidden', () => {
  assert.deepEqual(itemsWithKind({ apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'a' } }] })[0], { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } });
  assert.deepEqual(withoutManagedFields({ metadata: { name: 'a', managedFields: [{ manager: 'x' }] } }), { metadata: { name: 'a' } });
});
