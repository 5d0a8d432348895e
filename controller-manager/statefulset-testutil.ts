// Builders shared by the StatefulSet unit tests.
import type { Pod, StatefulSet } from '../api/types/index.js';
import { newStatefulSetPod } from './statefulset-identity.js';

export const REF = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true, blockOwnerDeletion: true };

export function statefulSet(over: Partial<StatefulSet['spec']> = {}, status?: StatefulSet['status']): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', uid: 'set-uid', generation: 1 },
    spec: {
      replicas: 3,
      serviceName: 'web',
      selector: { matchLabels: { app: 'web' } },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'www', emptyDir: {} }, { name: 'cfg', emptyDir: {} }] },
      },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...over,
    },
    status,
  };
}

export type PodState = 'pending' | 'running' | 'ready' | 'terminating' | 'failed' | 'succeeded';

/** A pod of the set at `ordinal` and `revision`, in the given state. */
export function setPod(set: StatefulSet, ordinal: number, revision: string, state: PodState = 'ready'): Pod {
  const pod = newStatefulSetPod(set, ordinal, revision, REF);
  pod.metadata.uid = `pod-${ordinal}-${revision}`;
  pod.metadata.creationTimestamp = '2024-01-01T00:00:00Z';
  const phase = state === 'pending' ? 'Pending' : state === 'failed' ? 'Failed' : state === 'succeeded' ? 'Succeeded' : 'Running';
  const ready = state === 'ready' || state === 'terminating';
  pod.status = { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: '2024-01-01T00:00:00Z' }] };
  if (state === 'terminating') pod.metadata.deletionTimestamp = '2024-01-01T00:01:00Z';
  return pod;
}
