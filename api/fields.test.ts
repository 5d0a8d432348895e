import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from './meta.js';
import {
  escapeFieldValue,
  fieldSelectorFromSet,
  fieldSelectorToString,
  fieldsOf,
  isEmptyFieldSelector,
  matchesFields,
  parseFieldSelector,
  requiredFieldValue,
  validateFieldSelector,
} from './fields.js';

test('parseFieldSelector: operators, sorting, empty terms', () => {
  const sel = parseFieldSelector('status.phase!=Failed,spec.nodeName==n1,metadata.name=web,');
  assert.deepEqual(sel.requirements, [
    { field: 'metadata.name', operator: 'Equals', value: 'web' },
    { field: 'spec.nodeName', operator: 'Equals', value: 'n1' },
    { field: 'status.phase', operator: 'NotEquals', value: 'Failed' },
  ]);
  assert.ok(isEmptyFieldSelector(parseFieldSelector('')));
  assert.ok(isEmptyFieldSelector(parseFieldSelector(',,')));
  assert.deepEqual(parseFieldSelector('spec.nodeName=').requirements, [{ field: 'spec.nodeName', operator: 'Equals', value: '' }]);
  assert.deepEqual(parseFieldSelector('a==').requirements[0], { field: 'a', operator: 'Equals', value: '' });
});

test('parseFieldSelector: escapes', () => {
  assert.deepEqual(parseFieldSelector('a=x\\,y\\=z\\\\w,b=1').requirements, [
    { field: 'a', operator: 'Equals', value: 'x,y=z\\w' },
    { field: 'b', operator: 'Equals', value: '1' },
  ]);
  assert.throws(() => parseFieldSelector('a=b\\c'), { message: 'invalid field selector: invalid escape sequence: \\c' });
  assert.throws(() => parseFieldSelector('a=b\\'), { message: 'invalid field selector: invalid escape sequence: \\' });
  assert.throws(() => parseFieldSelector('a=b=c'), { message: 'invalid field selector: unescapedRune character in value: 61' });
});

test('parseFieldSelector: terms without operator', () => {
  assert.throws(() => parseFieldSelector('a=b,spec.nodeName'), { message: "invalid selector: 'a=b,spec.nodeName'; can't understand 'spec.nodeName'" });
});

test('fieldSelectorToString round trips with escaping', () => {
  for (const input of ['a=b', 'a!=b', 'a=x\\,y', 'a=b\\=c,c!=d', 'x=\\\\']) {
    const s = fieldSelectorToString(parseFieldSelector(input));
    assert.deepEqual(parseFieldSelector(s), parseFieldSelector(input), input);
  }
  assert.equal(fieldSelectorToString(parseFieldSelector('b==1,a=2')), 'a=2,b=1');
  assert.equal(escapeFieldValue('a,b=c\\'), 'a\\,b\\=c\\\\');
  assert.equal(fieldSelectorToString(fieldSelectorFromSet({ 'spec.nodeName': 'n1' })), 'spec.nodeName=n1');
});

test('matchesFields and requiredFieldValue', () => {
  const fields = { 'spec.nodeName': 'n1', 'status.phase': 'Running' };
  assert.ok(matchesFields(parseFieldSelector('spec.nodeName=n1'), fields));
  assert.ok(!matchesFields(parseFieldSelector('spec.nodeName=n2'), fields));
  assert.ok(matchesFields(parseFieldSelector('status.phase!=Failed,spec.nodeName=n1'), fields));
  assert.ok(!matchesFields(parseFieldSelector('status.phase!=Running'), fields));
  assert.ok(matchesFields(parseFieldSelector('missing='), fields), 'absent field is the empty string');
  assert.ok(matchesFields(parseFieldSelector(''), {}));
  assert.equal(requiredFieldValue(parseFieldSelector('status.phase!=x,spec.nodeName=n1'), 'spec.nodeName'), 'n1');
  assert.equal(requiredFieldValue(parseFieldSelector('spec.nodeName!=n1'), 'spec.nodeName'), undefined);
  assert.equal(requiredFieldValue(parseFieldSelector('spec.nodeName='), 'spec.nodeName'), '');
});

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'default' },
  spec: { nodeName: 'n1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default', hostNetwork: true },
  status: { phase: 'Running', podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }, { ip: 'fd00::5' }], nominatedNodeName: '' },
};

test('fieldsOf Pod', () => {
  assert.deepEqual(fieldsOf('Pod', pod), {
    'metadata.name': 'web-1',
    'metadata.namespace': 'default',
    'spec.nodeName': 'n1',
    'spec.restartPolicy': 'Always',
    'spec.schedulerName': 'default-scheduler',
    'spec.serviceAccountName': 'default',
    'spec.hostNetwork': 'true',
    'status.phase': 'Running',
    'status.podIP': '10.244.1.5',
    'status.nominatedNodeName': '',
  });
  const pending = fieldsOf('Pod', { metadata: { name: 'p', namespace: 'ns' }, spec: {} });
  assert.equal(pending['spec.nodeName'], '');
  assert.equal(pending['spec.hostNetwork'], 'false');
  assert.equal(pending['status.phase'], '');
  assert.ok(matchesFields(parseFieldSelector('spec.nodeName='), pending), 'unscheduled pods match spec.nodeName=');
});

test('fieldsOf Event (core and events.k8s.io shapes)', () => {
  const core: KubeObject = {
    metadata: { name: 'e1', namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u1', apiVersion: 'v1', resourceVersion: '7', fieldPath: 'spec.containers{app}' },
    reason: 'Scheduled',
    source: { component: 'default-scheduler' },
    reportingComponent: 'default-scheduler',
    type: 'Normal',
  };
  assert.deepEqual(fieldsOf('Event', core), {
    'metadata.name': 'e1',
    'metadata.namespace': 'default',
    'involvedObject.kind': 'Pod',
    'involvedObject.namespace': 'default',
    'involvedObject.name': 'web-1',
    'involvedObject.uid': 'u1',
    'involvedObject.apiVersion': 'v1',
    'involvedObject.resourceVersion': '7',
    'involvedObject.fieldPath': 'spec.containers{app}',
    reason: 'Scheduled',
    reportingComponent: 'default-scheduler',
    source: 'default-scheduler',
    type: 'Normal',
  });
  const v1 = fieldsOf('Event', {
    metadata: { name: 'e2', namespace: 'default' },
    regarding: { kind: 'Node', name: 'n1' },
    reportingController: 'kubelet',
    reason: 'Ready',
    type: 'Normal',
  });
  assert.equal(v1['involvedObject.kind'], 'Node');
  assert.equal(v1['involvedObject.name'], 'n1');
  assert.equal(v1.reportingComponent, 'kubelet');
  assert.equal(v1.source, 'kubelet', 'source falls back to the reporting controller');
});

test('fieldsOf other kinds', () => {
  assert.deepEqual(fieldsOf('Secret', { metadata: { name: 's', namespace: 'ns' }, type: 'Opaque' }), {
    'metadata.name': 's', 'metadata.namespace': 'ns', type: 'Opaque',
  });
  assert.equal(fieldsOf('Node', { metadata: { name: 'n1' }, spec: { unschedulable: true } })['spec.unschedulable'], 'true');
  assert.equal(fieldsOf('Node', { metadata: { name: 'n1' } })['spec.unschedulable'], 'false');
  assert.equal(fieldsOf('Node', { metadata: { name: 'n1' } })['metadata.namespace'], '');
  assert.equal(fieldsOf('Namespace', { metadata: { name: 'x' }, status: { phase: 'Terminating' } })['status.phase'], 'Terminating');
  assert.equal(fieldsOf('ReplicaSet', { metadata: { name: 'r' }, status: { replicas: 3 } })['status.replicas'], '3');
  assert.equal(fieldsOf('ReplicationController', { metadata: { name: 'r' } })['status.replicas'], '0');
  assert.equal(fieldsOf('Job', { metadata: { name: 'j' }, status: { succeeded: 2 } })['status.successful'], '2');
  assert.deepEqual(fieldsOf('Service', { metadata: { name: 's' }, spec: { clusterIP: '10.96.0.10', type: 'ClusterIP' } }), {
    'metadata.name': 's', 'metadata.namespace': '', 'spec.clusterIP': '10.96.0.10', 'spec.type': 'ClusterIP',
  });
  assert.equal(
    fieldsOf('CertificateSigningRequest', { metadata: { name: 'c' }, spec: { signerName: 'kubernetes.io/kubelet-serving' } })['spec.signerName'],
    'kubernetes.io/kubelet-serving',
  );
  assert.deepEqual(fieldsOf('ConfigMap', { metadata: { name: 'cm', namespace: 'ns' } }), { 'metadata.name': 'cm', 'metadata.namespace': 'ns' });
});

test('validateFieldSelector accepts what Kubernetes accepts', () => {
  const ok: Array<[string, string, string?]> = [
    ['Pod', 'spec.nodeName=n1,status.phase!=Failed,metadata.namespace=default,status.podIP=1.2.3.4'],
    ['Event', 'involvedObject.name=web,reason=Killing,type=Warning,source=kubelet,reportingComponent=x'],
    ['Secret', 'type=Opaque'],
    ['Node', 'spec.unschedulable=false,metadata.name=n1'],
    ['Namespace', 'status.phase=Active'],
    ['Service', 'spec.clusterIP=None,spec.type=NodePort'],
    ['ReplicationController', 'status.replicas=1'],
    ['Job', 'status.successful=1'],
    ['CertificateSigningRequest', 'spec.signerName=kubernetes.io/kube-apiserver-client'],
    ['ConfigMap', 'metadata.name=x,metadata.namespace=y'],
    ['Deployment', 'metadata.name=x'],
    ['Event', 'regarding.name=web,reportingController=kubelet', 'events.k8s.io'],
  ];
  for (const [kind, s, group] of ok) validateFieldSelector(kind, parseFieldSelector(s), group);
});

test('validateFieldSelector rejects with Kubernetes messages', () => {
  const bad: Array<[string, string, string, string?]> = [
    ['Pod', 'spec.foo=x', 'field label not supported: spec.foo'],
    ['Node', 'metadata.namespace=x', 'field label not supported: metadata.namespace'],
    ['Namespace', 'metadata.namespace=x', 'field label not supported: metadata.namespace'],
    ['Secret', 'data=x', 'field label not supported: data'],
    ['Job', 'status.active=1', 'field label "status.active" not supported for Job'],
    ['ConfigMap', 'data.x=1', '"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    // apps/v1 registers no conversion, so ReplicaSet gets the default rule.
    ['ReplicaSet', 'status.replicas=1', '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    ['PersistentVolumeClaim', 'status.phase=Bound', '"status.phase" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    ['Event', 'involvedObject.name=x', 'field label not supported: involvedObject.name', 'events.k8s.io'],
  ];
  for (const [kind, s, message, group] of bad) {
    assert.throws(() => validateFieldSelector(kind, parseFieldSelector(s), group), { message }, `${kind} ${s}`);
  }
});

test('validateFieldSelector translates legacy labels', () => {
  const pods = validateFieldSelector('Pod', parseFieldSelector('spec.host=n1'));
  assert.deepEqual(pods.requirements, [{ field: 'spec.nodeName', operator: 'Equals', value: 'n1' }]);
  assert.ok(matchesFields(pods, fieldsOf('Pod', pod)));
  const events = validateFieldSelector('Event', parseFieldSelector('regarding.kind=Pod,reportingController=kubelet'), 'events.k8s.io');
  assert.deepEqual(events.requirements.map((r) => r.field), ['involvedObject.kind', 'reportingComponent']);
});
