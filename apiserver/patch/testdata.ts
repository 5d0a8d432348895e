// Realistic objects shared by the patch tests (shaped like what the apiserver stores).

import type { KubeObject } from '../../api/meta.js';

export const DEPLOYMENT_GVK = { group: 'apps', version: 'v1', kind: 'Deployment' };
export const SERVICE_GVK = { group: '', version: 'v1', kind: 'Service' };
export const POD_GVK = { group: '', version: 'v1', kind: 'Pod' };

export function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: '6f1c2b9e-0000-4000-8000-000000000001',
      resourceVersion: '1042',
      generation: 1,
      creationTimestamp: '2024-05-01T10:00:00Z',
      labels: { app: 'web', tier: 'frontend' },
      annotations: { 'deployment.kubernetes.io/revision': '1' },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.25',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [
                { name: 'MODE', value: 'prod' },
                { name: 'LOG_LEVEL', value: 'info' },
              ],
              resources: { limits: { cpu: '500m', memory: '128Mi' } },
              volumeMounts: [{ name: 'cache', mountPath: '/var/cache/nginx' }],
            },
          ],
          volumes: [{ name: 'cache', emptyDir: {} }],
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
          restartPolicy: 'Always',
        },
      },
    },
    status: { observedGeneration: 1, replicas: 2, readyReplicas: 2 },
  };
}

export function service(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', uid: 'svc-uid', resourceVersion: '77' },
    spec: {
      type: 'NodePort',
      selector: { app: 'web' },
      clusterIP: '10.96.0.20',
      ports: [
        { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 30080 },
        { name: 'metrics', port: 9090, targetPort: 9090, protocol: 'TCP', nodePort: 30090 },
      ],
    },
  };
}

export function pod(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-abc12', namespace: 'default', labels: { app: 'web' }, finalizers: ['example.com/a'] },
    spec: {
      nodeName: 'node-1',
      containers: [
        { name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3600'] },
        { name: 'sidecar', image: 'envoy:1.30' },
      ],
    },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'False' },
      ],
    },
  };
}

/** Path helper for assertions on untyped objects. */
export function at(obj: unknown, ...path: (string | number)[]): unknown {
  let v: unknown = obj;
  for (const p of path) v = (v as Record<string | number, unknown> | undefined)?.[p];
  return v;
}
