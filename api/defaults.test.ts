import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, defaultPullPolicy, prepareJobOnCreate } from './defaults.js';
import type { Loose } from './validation/testing.js';
import { cronJob, deployment, job, pod, service, workload } from './validation/testing.js';

/** The defaulted container every bare `nginx:1.27` container turns into. */
const CONTAINER = {
  name: 'app',
  image: 'nginx:1.27',
  imagePullPolicy: 'IfNotPresent',
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  resources: {},
};

const TEMPLATE_SPEC = {
  containers: [CONTAINER],
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  schedulerName: 'default-scheduler',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
};

function defaulted(obj: Loose): Loose {
  applyDefaults(obj);
  return obj;
}

test('bare Deployment defaults like kubectl get -o yaml shows', () => {
  const d = defaulted(deployment());
  assert.deepEqual(d.spec, {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    template: { metadata: { labels: { app: 'web' } }, spec: TEMPLATE_SPEC },
  });
});

test('Deployment with Recreate gets no rollingUpdate', () => {
  const d = deployment();
  d.spec.strategy = { type: 'Recreate' };
  assert.deepEqual(defaulted(d).spec.strategy, { type: 'Recreate' });
});

test('bare Pod defaults', () => {
  const p = defaulted(pod());
  assert.deepEqual(p.spec, { ...TEMPLATE_SPEC, enableServiceLinks: true });
  assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'BestEffort' });
});

test('Pod requests default from limits; templates do not', () => {
  const p = pod();
  p.spec.containers[0].resources = { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } };
  defaulted(p);
  assert.deepEqual(p.spec.containers[0].resources.requests, { cpu: '100m', memory: '128Mi' });
  assert.equal(p.status.qosClass, 'Burstable');
  const d = deployment();
  d.spec.template.spec.containers[0].resources = { limits: { cpu: '1' } };
  defaulted(d);
  assert.equal(d.spec.template.spec.containers[0].resources.requests, undefined);
  assert.equal(d.spec.template.spec.enableServiceLinks, undefined);
});

test('imagePullPolicy: Always only for latest (explicit or implied) without a digest', () => {
  assert.equal(defaultPullPolicy('nginx'), 'Always');
  assert.equal(defaultPullPolicy('nginx:latest'), 'Always');
  assert.equal(defaultPullPolicy('registry:5000/team/nginx'), 'Always');
  assert.equal(defaultPullPolicy('nginx:1.27'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('registry:5000/nginx:1.27'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('nginx@sha256:abcd'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('nginx:latest@sha256:abcd'), 'Always');
  const p = pod();
  p.spec.containers[0].imagePullPolicy = 'Never';
  assert.equal(defaulted(p).spec.containers[0].imagePullPolicy, 'Never');
});

test('container ports, probes, env fieldRef and lifecycle hooks', () => {
  const p = pod();
  p.spec.containers[0] = {
    name: 'app', image: 'busybox',
    ports: [{ containerPort: 80 }],
    env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
    livenessProbe: { httpGet: { port: 80 } },
    readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
    lifecycle: { preStop: { httpGet: { port: 8080 } } },
  };
  const c = defaulted(p).spec.containers[0];
  assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
  assert.deepEqual(c.env[0].valueFrom.fieldRef, { apiVersion: 'v1', fieldPath: 'spec.nodeName' });
  assert.deepEqual(c.livenessProbe, {
    httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3,
  });
  assert.equal(c.readinessProbe.periodSeconds, 5);
  assert.deepEqual(c.lifecycle.preStop.httpGet, { port: 8080, path: '/', scheme: 'HTTP' });
});

test('volumes: defaultMode 420, hostPath type, emptyDir for a bare volume, token expiry', () => {
  const p = pod();
  p.spec.volumes = [
    { name: 'cm', configMap: { name: 'c' } },
    { name: 's', secret: { secretName: 's' } },
    { name: 'h', hostPath: { path: '/tmp' } },
    { name: 'e' },
    { name: 'proj', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
  ];
  const v = defaulted(p).spec.volumes;
  assert.deepEqual(v[0].configMap, { name: 'c', defaultMode: 420 });
  assert.deepEqual(v[1].secret, { secretName: 's', defaultMode: 420 });
  assert.deepEqual(v[2].hostPath, { path: '/tmp', type: '' });
  assert.deepEqual(v[3], { name: 'e', emptyDir: {} });
  assert.deepEqual(v[4].projected, { defaultMode: 420, sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] });
});

test('resource quantities are stored canonically', () => {
  const p = pod();
  p.spec.containers[0].resources = { requests: { cpu: 0.5, memory: '1024Mi' }, limits: { cpu: 1 } };
  const r = defaulted(p).spec.containers[0].resources;
  assert.deepEqual(r.requests, { cpu: '500m', memory: '1Gi' });
  assert.deepEqual(r.limits, { cpu: '1' });
});

test('pod status: podIP and podIPs kept in step', () => {
  const p = pod();
  p.status = { phase: 'Running', podIP: '10.244.1.5' };
  assert.deepEqual(defaulted(p).status.podIPs, [{ ip: '10.244.1.5' }]);
  const q = pod();
  q.status = { phase: 'Running', podIPs: [{ ip: '10.244.1.6' }] };
  assert.equal(defaulted(q).status.podIP, '10.244.1.6');
});

test('serviceAccount alias follows serviceAccountName', () => {
  const p = pod();
  p.spec.serviceAccountName = 'robot';
  assert.equal(defaulted(p).spec.serviceAccount, 'robot');
});

test('bare ClusterIP Service defaults', () => {
  const s = defaulted(service());
  assert.deepEqual(s.spec, {
    selector: { app: 'web' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    type: 'ClusterIP',
    sessionAffinity: 'None',
    internalTrafficPolicy: 'Cluster',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
  });
});

test('NodePort/LoadBalancer get externalTrafficPolicy; ClientIP affinity gets a timeout', () => {
  const s = service();
  s.spec.type = 'LoadBalancer';
  s.spec.sessionAffinity = 'ClientIP';
  s.spec.ports[0].targetPort = 'http';
  defaulted(s);
  assert.equal(s.spec.externalTrafficPolicy, 'Cluster');
  assert.equal(s.spec.allocateLoadBalancerNodePorts, true);
  assert.deepEqual(s.spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  assert.equal(s.spec.ports[0].targetPort, 'http');
});

test('ExternalName and headless Services', () => {
  const ext = defaulted({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { type: 'ExternalName', externalName: 'example.com' } });
  assert.deepEqual(ext.spec, { type: 'ExternalName', externalName: 'example.com', sessionAffinity: 'None' });
  const headless = defaulted({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'h' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } });
  assert.deepEqual(headless.spec.clusterIPs, ['None']);
  assert.equal(headless.spec.ipFamilyPolicy, 'RequireDualStack');
});

test('bare Job defaults, then selector generation on create', () => {
  const j = defaulted(job());
  assert.deepEqual({ ...j.spec, template: undefined }, {
    parallelism: 1, completions: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false,
    podReplacementPolicy: 'TerminatingOrFailed', manualSelector: false, template: undefined,
  });
  assert.equal(j.spec.template.spec.restartPolicy, 'Never');
  prepareJobOnCreate(j, 'abc-123');
  const labels = {
    'batch.kubernetes.io/controller-uid': 'abc-123', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'abc-123', 'job-name': 'pi',
  };
  assert.deepEqual(j.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc-123' } });
  assert.deepEqual(j.spec.template.metadata.labels, labels);
  assert.deepEqual(j.metadata.labels, labels);
});

test('Job: parallelism alone leaves completions unset; templates keep their restartPolicy unset', () => {
  const j = job();
  j.spec.parallelism = 3;
  delete j.spec.template.spec.restartPolicy;
  defaulted(j);
  assert.equal(j.spec.completions, undefined);
  assert.equal(j.spec.template.spec.restartPolicy, undefined);
});

test('Job with manualSelector keeps its selector', () => {
  const j = defaulted(job());
  j.spec.manualSelector = true;
  j.spec.selector = { matchLabels: { a: 'b' } };
  prepareJobOnCreate(j, 'u');
  assert.deepEqual(j.spec.selector, { matchLabels: { a: 'b' } });
  assert.equal(j.spec.template.metadata.labels, undefined);
});

test('CronJob defaults only itself and the pod template', () => {
  const c = defaulted(cronJob());
  assert.equal(c.spec.concurrencyPolicy, 'Allow');
  assert.equal(c.spec.suspend, false);
  assert.equal(c.spec.successfulJobsHistoryLimit, 3);
  assert.equal(c.spec.failedJobsHistoryLimit, 1);
  assert.equal(c.spec.jobTemplate.spec.backoffLimit, undefined);
  assert.equal(c.spec.jobTemplate.spec.template.spec.dnsPolicy, 'ClusterFirst');
});

test('ReplicaSet, DaemonSet and StatefulSet defaults', () => {
  assert.equal(defaulted(workload('ReplicaSet')).spec.replicas, 1);
  const ds = defaulted(workload('DaemonSet'));
  assert.deepEqual(ds.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(ds.spec.revisionHistoryLimit, 10);
  const sts = workload('StatefulSet');
  sts.spec.serviceName = 'web';
  sts.spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }];
  defaulted(sts);
  assert.equal(sts.spec.replicas, 1);
  assert.equal(sts.spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(sts.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(sts.spec.revisionHistoryLimit, 10);
  const claim = sts.spec.volumeClaimTemplates[0];
  assert.equal(claim.apiVersion, 'v1');
  assert.equal(claim.kind, 'PersistentVolumeClaim');
  assert.equal(claim.spec.volumeMode, 'Filesystem');
  assert.deepEqual(claim.status, { phase: 'Pending' });
});

test('Secret: type Opaque, stringData merged into data as base64 and dropped', () => {
  const s = defaulted({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'eA==', b: 'eQ==' }, stringData: { b: 'zz', c: 'héllo' } });
  assert.equal(s.type, 'Opaque');
  assert.deepEqual(s.data, { a: 'eA==', b: 'eno=', c: Buffer.from('héllo').toString('base64') });
  assert.equal('stringData' in s, false);
});

test('Namespace: finalizer, phase and the metadata.name label', () => {
  const ns = defaulted({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(ns.status, { phase: 'Active' });
  assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' });
  const emptied = defaulted({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' }, spec: { finalizers: [] } });
  assert.deepEqual(emptied.spec.finalizers, []);
});

test('HPA: v2 gets minReplicas, the CPU metric and behavior rules; v1 only minReplicas', () => {
  const v2 = defaulted({
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } },
  });
  assert.equal(v2.spec.minReplicas, 1);
  assert.deepEqual(v2.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.deepEqual(v2.spec.behavior.scaleDown, { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
  assert.equal(v2.spec.behavior.scaleUp.stabilizationWindowSeconds, 0);
  assert.equal(v2.spec.behavior.scaleUp.policies.length, 2);
  const v1 = defaulted({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5 } });
  assert.equal(v1.spec.minReplicas, 1);
  assert.equal(v1.spec.metrics, undefined);
});

test('PV and PVC defaults', () => {
  const pvc = defaulted({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  assert.equal(pvc.spec.volumeMode, 'Filesystem');
  assert.deepEqual(pvc.status, { phase: 'Pending' });
  const pv = defaulted({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'v' }, spec: { capacity: { storage: '1Gi' }, hostPath: { path: '/data' } } });
  assert.equal(pv.spec.persistentVolumeReclaimPolicy, 'Retain');
  assert.equal(pv.spec.volumeMode, 'Filesystem');
  assert.deepEqual(pv.status, { phase: 'Pending' });
});

test('Node: allocatable from capacity, podCIDRs from podCIDR', () => {
  const n = defaulted({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '10.244.1.0/24' }, status: { capacity: { cpu: 4, pods: '110' } } });
  assert.deepEqual(n.spec.podCIDRs, ['10.244.1.0/24']);
  assert.deepEqual(n.status.allocatable, { cpu: '4', pods: '110' });
});

test('StorageClass and RBAC binding defaults', () => {
  const sc = defaulted({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'std' }, provisioner: 'x.io/p' });
  assert.equal(sc.reclaimPolicy, 'Delete');
  assert.equal(sc.volumeBindingMode, 'Immediate');
  const rb = defaulted({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b' },
    roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }],
  });
  assert.equal(rb.roleRef.apiGroup, 'rbac.authorization.k8s.io');
  assert.equal(rb.subjects[0].apiGroup, 'rbac.authorization.k8s.io');
  assert.equal(rb.subjects[1].apiGroup, '');
});

test('defaulting is idempotent and leaves unknown kinds alone', () => {
  for (const make of [deployment, pod, service, job, cronJob]) {
    const once = defaulted(make());
    const twice = defaulted(structuredClone(once));
    assert.deepEqual(twice, once);
  }
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
  assert.deepEqual(defaulted(structuredClone(cm)), cm);
});
