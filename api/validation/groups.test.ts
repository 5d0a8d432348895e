// HorizontalPodAutoscaler, Lease, CertificateSigningRequest and RBAC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Loose } from './testing.js';
import { clone, createErrors, lines, statusErrors, updateErrors } from './testing.js';
import { validateScale } from './autoscaling.js';

function hpa(spec: Loose, apiVersion = 'autoscaling/v2'): Loose {
  return { apiVersion, kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' }, spec };
}

const TARGET = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

test('hpa: target, replica bounds', () => {
  assert.deepEqual(createErrors(hpa({ scaleTargetRef: TARGET, minReplicas: 2, maxReplicas: 10 })), []);
  assert.deepEqual(createErrors(hpa({ scaleTargetRef: TARGET, maxReplicas: 3, targetCPUUtilizationPercentage: 50 }, 'autoscaling/v1')), []);
  assert.deepEqual(lines(createErrors(hpa({ scaleTargetRef: { kind: '' }, minReplicas: 0, maxReplicas: 0 }))), [
    'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
    'spec.maxReplicas: Invalid value: 0: must be greater than 0',
    'spec.scaleTargetRef.kind: Required value',
    'spec.scaleTargetRef.name: Required value',
  ]);
  assert.deepEqual(lines(createErrors(hpa({ scaleTargetRef: TARGET, minReplicas: 5, maxReplicas: 3 }))),
    ['spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`']);
});

test('hpa: metrics and behavior', () => {
  const metrics = [
    { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
    { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
    { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '30' } } },
  ];
  const behavior = { scaleDown: { stabilizationWindowSeconds: 60, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } };
  assert.deepEqual(createErrors(hpa({ scaleTargetRef: TARGET, maxReplicas: 5, metrics, behavior })), []);
  assert.deepEqual(lines(createErrors(hpa({
    scaleTargetRef: TARGET, maxReplicas: 5,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } }, { type: 'Magic' }],
  }))), [
    'spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization',
    'spec.metrics[1].type: Unsupported value: "Magic": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
  ]);
  assert.deepEqual(lines(createErrors(hpa({
    scaleTargetRef: TARGET, maxReplicas: 5,
    behavior: { scaleUp: { stabilizationWindowSeconds: 4000, selectPolicy: 'Avg', policies: [{ type: 'Pods', value: 0, periodSeconds: 2000 }] } },
  }))), [
    'spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600',
    'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Avg": supported values: "Disabled", "Max", "Min"',
    'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero',
    'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 2000: must be less than or equal to 1800',
  ]);
});

test('hpa status and scale subresource', () => {
  const old = hpa({ scaleTargetRef: TARGET, maxReplicas: 5 });
  createErrors(old);
  const next = clone(old);
  next.status = { currentReplicas: -1, desiredReplicas: 2 };
  assert.deepEqual(lines(statusErrors(next, old)), ['status.currentReplicas: Invalid value: -1: must be greater than or equal to 0']);
  assert.deepEqual(validateScale({ metadata: { name: 'web' }, spec: { replicas: 3 } }), []);
  assert.deepEqual(lines(validateScale({ metadata: { name: 'web' }, spec: { replicas: -1 } })), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
});

test('lease: positive duration, RFC 3339 times', () => {
  const lease: Loose = {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'node-1', namespace: 'kube-node-lease' },
    spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2025-01-01T00:00:00.123456Z', leaseTransitions: 0 },
  };
  assert.deepEqual(createErrors(lease), []);
  lease.spec = { leaseDurationSeconds: 0, leaseTransitions: -1, acquireTime: 'yesterday' };
  assert.deepEqual(lines(createErrors(lease)), [
    'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
    'spec.acquireTime: Invalid value: "yesterday": must be a timestamp in RFC 3339 format with microseconds',
  ]);
});

const CSR_PEM = Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n').toString('base64');

function csr(spec: Loose): Loose {
  return { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'node-csr-1' }, spec };
}

test('csr: request and signerName required, usages known', () => {
  assert.deepEqual(createErrors(csr({ request: CSR_PEM, signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'] })), []);
  assert.deepEqual(lines(createErrors(csr({ usages: ['client auth', 'client auth', 'teleport'] }))), [
    'spec.request: Required value',
    'spec.usages[1]: Duplicate value: "client auth"',
    'spec.usages[2]: Unsupported value: "teleport": supported values: "any", "cert sign", "client auth", "code signing", "content commitment", "crl sign", "data encipherment", "decipher only", "digital signature", "email protection", "encipher only", "ipsec end system", "ipsec tunnel", "ipsec user", "key agreement", "key encipherment", "microsoft sgc", "netscape sgc", "ocsp signing", "s/mime", "server auth", "signing", "timestamping"',
    'spec.signerName: Required value',
  ]);
  assert.deepEqual(lines(createErrors(csr({ request: Buffer.from('hello').toString('base64'), signerName: 'nodomain', usages: ['any'] }))), [
    'spec.request: Invalid value: []byte{...}: PEM block type must be CERTIFICATE REQUEST',
    "spec.signerName: Invalid value: \"nodomain\": must be a fully qualified domain and path of the form 'example.com/signer-name'",
  ]);
});

test('csr approval: Approved and Denied are exclusive', () => {
  const old = csr({ request: CSR_PEM, signerName: 'example.com/s', usages: ['any'] });
  createErrors(old);
  const next = clone(old);
  next.status = { conditions: [{ type: 'Approved', status: 'True', reason: 'AutoApproved' }] };
  assert.deepEqual(statusErrors(next, old), []);
  next.status.conditions.push({ type: 'Denied', status: 'True' });
  assert.match(lines(statusErrors(next, old))[0], /^status\.conditions: Invalid value: .*: Approved and Denied conditions are mutually exclusive$/);
});

function rbac(kind: string, body: Loose): Loose {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'r', namespace: 'default' }, ...body };
}

test('rbac: rules need verbs, resources and groups', () => {
  assert.deepEqual(createErrors(rbac('Role', { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] })), []);
  assert.deepEqual(createErrors(rbac('ClusterRole', { rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] })), []);
  assert.deepEqual(lines(createErrors(rbac('Role', { rules: [{ resources: ['pods'] }, { nonResourceURLs: ['/x'], verbs: ['get'] }] }))), [
    'rules[0].verbs: Required value: verbs must contain at least one value',
    'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
    'rules[1].nonResourceURLs: Invalid value: []string{"/x"}: namespaced rules cannot apply to non-resource URLs',
  ]);
});

test('rbac: bindings reference a role and valid subjects; roleRef immutable', () => {
  const rb = rbac('RoleBinding', { roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'sa' }] });
  assert.deepEqual(createErrors(rb), []);
  const crb = rbac('ClusterRoleBinding', { roleRef: { kind: 'Role', name: 'x' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }, { kind: 'Robot', name: 'r2' }] });
  delete crb.metadata.namespace;
  assert.deepEqual(lines(createErrors(crb)), [
    'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    'subjects[0].namespace: Required value',
    'subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
  ]);
  const next = clone(rb);
  next.roleRef.name = 'edit';
  assert.deepEqual(lines(updateErrors(next, rb)), [
    'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef',
  ]);
});
