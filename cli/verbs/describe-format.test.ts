import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, Node, Pod, ReplicaSet, Service } from '../../api/types/index.js';
import { describeDeployment, describeGeneric, describeNode, describePod, describeService, formatEndpoints, qosClass } from './describe-format.js';
import { humanDuration, rfc1123z, smartLabelFor } from './describe-writer.js';
import { DESCRIBE_POD, DESCRIBE_POD_TEXT } from './testdata.js';

process.env.TZ = 'UTC';
const NOW = new Date('2024-05-01T10:05:00Z');

test('pod: byte for byte what kubectl describe printed for the same object', () => {
  assert.equal(describePod(DESCRIBE_POD as Pod, [], NOW), DESCRIBE_POD_TEXT);
});

test('pod: controller, events table with repeat counts', () => {
  const pod = structuredClone(DESCRIBE_POD) as Pod;
  pod.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c', uid: 'u', controller: true }];
  const text = describePod(pod, [
    { type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned default/rp to n1', source: { component: 'default-scheduler' }, firstTimestamp: '2024-05-01T10:00:00Z', lastTimestamp: '2024-05-01T10:00:00Z', count: 1 },
    { type: 'Warning', reason: 'BackOff', message: 'Back-off pulling image "nginx"', source: { component: 'kubelet' }, firstTimestamp: '2024-05-01T10:01:00Z', lastTimestamp: '2024-05-01T10:04:30Z', count: 7 },
  ], NOW);
  assert.match(text, /\nControlled By:  ReplicaSet\/web-7d4b9c\n/);
  assert.ok(text.endsWith([
    'Events:',
    '  Type     Reason     Age               From               Message',
    '  ----     ------     ----              ----               -------',
    '  Normal   Scheduled  5m                default-scheduler  Successfully assigned default/rp to n1',
    '  Warning  BackOff    30s (x7 over 4m)  kubelet            Back-off pulling image "nginx"',
    '',
  ].join('\n')), text.split('Events:')[1]);
});

test('QoS classes', () => {
  const pod = (resources: object[]): Pod => ({ metadata: {}, spec: { containers: resources.map((r, i) => ({ name: `c${i}`, image: 'x', resources: r })) } }) as Pod;
  assert.equal(qosClass(pod([{}])), 'BestEffort');
  assert.equal(qosClass(pod([{ limits: { cpu: '1', memory: '1Gi' } }])), 'Guaranteed');
  assert.equal(qosClass(pod([{ requests: { cpu: '100m' } }])), 'Burstable');
});

test('deployment: replicas line, strategy, template, old/new replica sets', () => {
  const d: Deployment = {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T10:00:00Z', labels: { app: 'web' }, annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: {
      replicas: 3, selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } },
    },
    status: { replicas: 3, updatedReplicas: 3, availableReplicas: 2, unavailableReplicas: 1, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }] },
  } as Deployment;
  const rs = (name: string, replicas: number) => ({ metadata: { name }, spec: { replicas }, status: { replicas } }) as unknown as ReplicaSet;
  const text = describeDeployment(d, [rs('web-old', 1)], rs('web-new', 3), [], NOW);
  assert.equal(text, [
    'Name:                   web',
    'Namespace:              default',
    'CreationTimestamp:      Wed, 01 May 2024 10:00:00 +0000',
    'Labels:                 app=web',
    'Annotations:            deployment.kubernetes.io/revision: 2',
    'Selector:               app=web',
    'Replicas:               3 desired | 3 updated | 3 total | 2 available | 1 unavailable',
    'StrategyType:           RollingUpdate',
    'MinReadySeconds:        0',
    'RollingUpdateStrategy:  25% max unavailable, 25% max surge',
    'Pod Template:',
    '  Labels:  app=web',
    '  Containers:',
    '   nginx:',
    '    Image:         nginx:1.26',
    '    Port:          <none>',
    '    Host Port:     <none>',
    '    Environment:   <none>',
    '    Mounts:        <none>',
    '  Volumes:         <none>',
    '  Node-Selectors:  <none>',
    '  Tolerations:     <none>',
    'Conditions:',
    '  Type           Status  Reason',
    '  ----           ------  ------',
    '  Available      True    MinimumReplicasAvailable',
    'OldReplicaSets:  web-old (1/1 replicas created)',
    'NewReplicaSet:   web-new (3/3 replicas created)',
    'Events:          <none>',
    '',
  ].join('\n'));
});

test('service: ports, endpoints from the Endpoints object', () => {
  const svc = {
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: { type: 'NodePort', selector: { app: 'web' }, clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 30080 }], sessionAffinity: 'None', externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster' },
  } as unknown as Service;
  const ep = { metadata: {}, subsets: [{ addresses: [{ ip: '10.244.0.5' }, { ip: '10.244.0.6' }], ports: [{ name: 'http', port: 8080 }] }] };
  const text = describeService(svc, ep as never, undefined, NOW);
  assert.match(text, /\nPort:                     http  80\/TCP\nTargetPort:               8080\/TCP\nNodePort:                 http  30080\/TCP\nEndpoints:                10\.244\.0\.5:8080,10\.244\.0\.6:8080\n/);
  assert.equal(formatEndpoints({ metadata: {}, subsets: [{ addresses: [1, 2, 3, 4].map((i) => ({ ip: `10.0.0.${i}` })), ports: [{ port: 80 }] }] } as never, ''), '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...');
});

test('node: lease error, allocated resources with percentages', () => {
  const node = {
    metadata: { name: 'n1', creationTimestamp: '2024-05-01T10:00:00Z', labels: { 'node-role.kubernetes.io/control-plane': '' } },
    spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] },
    status: { allocatable: { cpu: '2', memory: '4Gi' }, capacity: { cpu: '2', memory: '4Gi' }, addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
  } as unknown as Node;
  const pod = { metadata: { name: 'p', namespace: 'default', creationTimestamp: '2024-05-01T10:04:00Z' }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '500m', memory: '1Gi' } } }] } } as Pod;
  const text = describeNode(node, [pod], [], 'leases.coordination.k8s.io "n1" not found', NOW);
  assert.match(text, /^Roles:\s+control-plane$/m);
  assert.match(text, /^Taints:\s+node\.kubernetes\.io\/unschedulable:NoSchedule$/m);
  assert.match(text, /^Unschedulable:\s+true$/m);
  assert.match(text, /^Lease:\s+Failed to get lease: leases\.coordination\.k8s\.io "n1" not found$/m);
  assert.match(text, /^ {2}default\s+p\s+500m \(25%\)\s+0 \(0%\)\s+1Gi \(25%\)\s+0 \(0%\)\s+60s$/m);
  assert.match(text, /^ {2}cpu\s+500m \(25%\)\s+0 \(0%\)$/m);
});

test('generic: smart labels for every field', () => {
  const text = describeGeneric({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'd', uid: 'u1' }, data: { key: 'v' } }, undefined, NOW);
  assert.equal(text, [
    'Name:         x',
    'Namespace:    d',
    'Labels:       <none>',
    'Annotations:  <none>',
    'API Version:  v1',
    'Data:',
    '  Key:  v',
    'Kind:   ConfigMap',
    'Metadata:',
    '  UID:  u1',
    '',
  ].join('\n'));
  assert.equal(smartLabelFor('podCIDR'), 'Pod CIDR');
  assert.equal(smartLabelFor('apiVersion'), 'API Version');
});

test('durations and times as kubectl prints them', () => {
  assert.equal(humanDuration(59_000), '59s');
  assert.equal(humanDuration(150_000), '2m30s');
  assert.equal(humanDuration(3 * 3_600_000 + 5 * 60_000), '3h5m');
  assert.equal(humanDuration(3 * 86_400_000), '3d');
  assert.equal(humanDuration(-5000), '<invalid>');
  assert.equal(rfc1123z('2024-05-01T10:00:00Z'), 'Wed, 01 May 2024 10:00:00 +0000');
});
