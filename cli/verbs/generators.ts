// The objects `create deployment|service|configmap|secret|namespace|job`, `run`,
// `expose` and `autoscale` build, shaped like kubectl's generators make them.
import { basename } from 'node:path';
import type { KubeObject, ObjectMeta } from '../../api/meta.js';
import { CliError } from './errors.js';

/** Metadata as kubectl's generators write it, with `creationTimestamp: null`. */
export function generatedMeta(name: string, labels?: Record<string, string>): ObjectMeta {
  const m: Record<string, unknown> = { creationTimestamp: null };
  if (labels) m.labels = labels;
  m.name = name;
  return m as ObjectMeta;
}

/** kubectl's container name for an image: `registry/nginx:1.25` → `nginx`. */
export function containerNameFor(image: string): string {
  let name = image.split('@')[0];
  name = basename(name);
  name = name.split(':')[0];
  return name.replace(/[^a-z0-9-]/gi, '-').toLowerCase();
}

export interface DeploymentOptions {
  name: string;
  images: string[];
  replicas?: number;
  port?: number;
  command?: string[];
}

export function deploymentFor(o: DeploymentOptions): KubeObject {
  const labels = { app: o.name };
  const containers = o.images.map((image, i) => {
    const c: Record<string, unknown> = { image, name: containerNameFor(image), resources: {} };
    if (o.command?.length && i === 0) c.command = o.command;
    if (o.port !== undefined && i === 0) c.ports = [{ containerPort: o.port }];
    return c;
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: generatedMeta(o.name, labels),
    spec: {
      replicas: o.replicas ?? 1,
      selector: { matchLabels: labels },
      strategy: {},
      template: { metadata: { creationTimestamp: null, labels }, spec: { containers } },
    },
    status: {},
  };
}

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

export interface ServicePortSpec {
  port: number;
  targetPort: number | string;
  name?: string;
  protocol?: string;
  nodePort?: number;
}

/** `--tcp=80:8080` (repeatable) into ports named `80-8080` like kubectl. */
export function parseTcpPorts(specs: string[]): ServicePortSpec[] {
  return specs.map((s) => {
    const [p, t] = s.split(':');
    const port = Number(p);
    if (!/^\d+$/.test(p ?? '') || port < 1 || port > 65535) throw new CliError(`invalid port: ${s}`);
    const target: number | string = t === undefined || t === '' ? port : /^\d+$/.test(t) ? Number(t) : t;
    return { port, targetPort: target, name: t === undefined ? p : `${p}-${t}`, protocol: 'TCP' };
  });
}

export function serviceFor(o: { name: string; type: ServiceType; ports: ServicePortSpec[]; clusterIP?: string; externalName?: string; selector?: Record<string, string>; labels?: Record<string, string> | null }): KubeObject {
  const spec: Record<string, unknown> = {
    ports: o.ports.map((p) => {
      const out: Record<string, unknown> = {};
      if (p.name !== undefined) out.name = p.name;
      if (p.nodePort) out.nodePort = p.nodePort;
      out.port = p.port;
      out.protocol = p.protocol ?? 'TCP';
      out.targetPort = p.targetPort;
      return out;
    }),
    selector: o.selector ?? { app: o.name },
    type: o.type,
  };
  if (o.clusterIP) spec.clusterIP = o.clusterIP;
  if (o.type === 'ExternalName') {
    spec.externalName = o.externalName;
    delete spec.selector;
  }
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: generatedMeta(o.name, o.labels === null ? undefined : o.labels ?? { app: o.name }),
    spec,
    status: { loadBalancer: {} },
  };
}

export function namespaceFor(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: generatedMeta(name), spec: {}, status: {} };
}

export function configMapFor(name: string, data: Record<string, string>, binaryData: Record<string, string> = {}): KubeObject {
  const obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: generatedMeta(name) };
  if (Object.keys(data).length) obj.data = data;
  if (Object.keys(binaryData).length) obj.binaryData = binaryData;
  return obj;
}

export function secretFor(name: string, data: Record<string, Buffer>, type?: string): KubeObject {
  const enc: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) enc[k] = v.toString('base64');
  const obj: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: generatedMeta(name) };
  if (Object.keys(enc).length) obj.data = enc;
  if (type) obj.type = type;
  return obj;
}

export function jobFor(name: string, image: string, command: string[] | undefined): KubeObject {
  const c: Record<string, unknown> = { image, name, resources: {} };
  if (command?.length) c.command = command;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: generatedMeta(name),
    spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [c], restartPolicy: 'Never' } } },
    status: {},
  };
}

export interface RunOptions {
  name: string;
  image: string;
  labels?: Record<string, string>;
  env?: Record<string, string>;
  port?: number;
  args?: string[];
  /** args are the command, not arguments to the image's entrypoint */
  command?: boolean;
  restart?: string;
  imagePullPolicy?: string;
}

/** The pod `kubectl run` creates: label `run=<name>`, one container named like the pod. */
export function podFor(o: RunOptions): KubeObject {
  const c: Record<string, unknown> = { image: o.image, name: o.name, resources: {} };
  if (o.args?.length) c[o.command ? 'command' : 'args'] = o.args;
  if (o.env && Object.keys(o.env).length) c.env = Object.entries(o.env).map(([name, value]) => ({ name, value }));
  if (o.imagePullPolicy) c.imagePullPolicy = o.imagePullPolicy;
  if (o.port !== undefined) c.ports = [{ containerPort: o.port }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: generatedMeta(o.name, o.labels ?? { run: o.name }),
    spec: { containers: [c], dnsPolicy: 'ClusterFirst', restartPolicy: o.restart ?? 'Always' },
    status: {},
  };
}

/** `run --replicas N`: a Deployment whose pods carry the run labels. */
export function runDeploymentFor(o: RunOptions & { replicas: number }): KubeObject {
  const pod = podFor(o);
  const labels = o.labels ?? { run: o.name };
  const podSpec = { ...(pod.spec as Record<string, unknown>), restartPolicy: 'Always' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: generatedMeta(o.name, labels),
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: labels },
      strategy: {},
      template: { metadata: { creationTimestamp: null, labels }, spec: podSpec },
    },
    status: {},
  };
}

/** `K=V` pairs (labels, env, literals); `what` names them in errors. */
export function parseKeyValues(items: string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items.flatMap((i) => (what === 'labels' ? i.split(',') : [i]))) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw new CliError(`invalid ${what} format: ${JSON.stringify(item)}, expected key=value`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

export function hpaFor(o: { name: string; kind: string; apiVersion: string; target: string; min?: number; max: number; cpuPercent?: number }): KubeObject {
  const spec: Record<string, unknown> = {
    maxReplicas: o.max,
    scaleTargetRef: { apiVersion: o.apiVersion, kind: o.kind, name: o.target },
  };
  if (o.min !== undefined && o.min >= 0) spec.minReplicas = o.min;
  if (o.cpuPercent !== undefined && o.cpuPercent >= 0) {
    spec.metrics = [{ resource: { name: 'cpu', target: { averageUtilization: o.cpuPercent, type: 'Utilization' } }, type: 'Resource' }];
  }
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: generatedMeta(o.name),
    spec,
    status: { currentMetrics: null, desiredReplicas: 0 },
  };
}
