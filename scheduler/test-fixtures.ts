// Builders for unit tests: nodes and pods with just the fields a test cares about.
import type { Container, Node, Pod, Taint, Toleration } from '../api/types/index.js';
import { NodeInfo } from './node-info.js';
import { newPodInfo, type PodInfo } from './pod-info.js';

export interface NodeSpecLite {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  ready?: 'True' | 'False' | 'Unknown' | 'missing';
  extra?: Record<string, string>;
}

export function makeNode(name: string, s: NodeSpecLite = {}): Node {
  const allocatable = { cpu: s.cpu ?? '4', memory: s.memory ?? '8Gi', pods: s.pods ?? '110', ...s.extra };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, ...s.labels } },
    spec: { taints: s.taints, unschedulable: s.unschedulable },
    status: {
      capacity: allocatable,
      allocatable,
      conditions: s.ready === 'missing' ? [] : [{ type: 'Ready', status: s.ready ?? 'True' }],
    },
  };
}

export function makeNodeInfo(name: string, s: NodeSpecLite = {}): NodeInfo {
  const ni = new NodeInfo(name);
  ni.setNode(makeNode(name, s));
  return ni;
}

export interface PodSpecLite {
  namespace?: string;
  cpu?: string;
  memory?: string;
  containers?: Container[];
  initContainers?: Container[];
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  hostPorts?: Array<{ hostPort: number; protocol?: 'TCP' | 'UDP'; hostIP?: string }>;
  priority?: number;
  created?: string;
  owner?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  affinity?: Pod['spec']['affinity'];
  schedulerName?: string;
  uid?: string;
}

let seq = 0;

export function makePod(name: string, s: PodSpecLite = {}): Pod {
  const requests: Record<string, string> = {};
  if (s.cpu) requests.cpu = s.cpu;
  if (s.memory) requests.memory = s.memory;
  const containers: Container[] = s.containers ?? [
    {
      name: 'c',
      image: 'busybox',
      resources: Object.keys(requests).length ? { requests } : undefined,
      ports: s.hostPorts?.map((p) => ({ containerPort: p.hostPort, ...p })),
    },
  ];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: s.namespace ?? 'default',
      uid: s.uid ?? `uid-${name}-${++seq}`,
      creationTimestamp: s.created ?? '2026-01-01T00:00:00Z',
      labels: s.labels,
      ownerReferences: s.owner
        ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: s.owner, uid: `rs-${s.owner}`, controller: true }]
        : undefined,
    },
    spec: {
      containers,
      initContainers: s.initContainers,
      nodeSelector: s.nodeSelector,
      tolerations: s.tolerations,
      priority: s.priority,
      nodeName: s.nodeName,
      affinity: s.affinity,
      schedulerName: s.schedulerName ?? 'default-scheduler',
    },
  };
}

export function makePodInfo(name: string, s: PodSpecLite = {}): PodInfo {
  return newPodInfo(makePod(name, s));
}
