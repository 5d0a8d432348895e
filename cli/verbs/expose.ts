// `kubelite expose`: a Service selecting the pods of a deployment, replica set,
// replication controller, pod or service.
import type { Command } from 'commander';
import type { KubeObject } from '../../api/meta.js';
import { newVerb, verbAction, out, type CliContext } from './context.js';
import { createObject } from './create.js';
import { CliError } from './errors.js';
import { intFlag } from './flags.js';
import { parseKeyValues, serviceFor, type ServicePortSpec, type ServiceType } from './generators.js';
import { parseSingle } from './resources.js';

interface ExposeFlags {
  port?: string;
  targetPort?: string;
  name?: string;
  type?: string;
  protocol?: string;
  selector?: string;
  labels?: string;
  externalIp?: string;
  clusterIp?: string;
  nodePort?: number;
  output?: string;
  dryRun?: string;
}

const TYPES: Record<string, ServiceType> = { clusterip: 'ClusterIP', nodeport: 'NodePort', loadbalancer: 'LoadBalancer' };

/** The label selector a Service needs to reach the pods of `obj`. */
export function selectorOf(obj: KubeObject): Record<string, string> {
  const spec = (obj.spec ?? {}) as { selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | Record<string, string> };
  switch (obj.kind) {
    case 'Pod':
      if (!obj.metadata.labels || Object.keys(obj.metadata.labels).length === 0) {
        throw new CliError(`the pod has no labels and cannot be exposed`);
      }
      return obj.metadata.labels;
    case 'Service':
    case 'ReplicationController':
      if (!spec.selector || Object.keys(spec.selector).length === 0) throw new CliError(`couldn't retrieve selectors via --selector flag or introspection: the ${obj.kind} has no selector`);
      return spec.selector as Record<string, string>;
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet': {
      const sel = spec.selector as { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined;
      if (sel?.matchExpressions?.length) throw new CliError(`couldn't convert expressions - "${JSON.stringify(sel.matchExpressions)}" to map: cannot expose a ${obj.kind} with match expressions`);
      if (!sel?.matchLabels || Object.keys(sel.matchLabels).length === 0) throw new CliError(`invalid ${obj.kind.toLowerCase()}: no selectors, therefore cannot be exposed`);
      return sel.matchLabels;
    }
    default:
      throw new CliError(`cannot expose a ${obj.kind}`);
  }
}

/** Container (or service) ports of `obj`, for when --port is not given. */
export function portsOf(obj: KubeObject): Array<{ port: number; protocol: string; name?: string }> {
  if (obj.kind === 'Service') {
    return ((obj.spec as { ports?: Array<{ port: number; protocol?: string; name?: string }> }).ports ?? []).map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP', name: p.name }));
  }
  const podSpec = obj.kind === 'Pod'
    ? (obj.spec as { containers?: unknown[] })
    : ((obj.spec as { template?: { spec?: { containers?: unknown[] } } }).template?.spec ?? {});
  const out: Array<{ port: number; protocol: string; name?: string }> = [];
  for (const c of (podSpec.containers ?? []) as Array<{ ports?: Array<{ containerPort: number; protocol?: string; name?: string }> }>) {
    for (const p of c.ports ?? []) out.push({ port: p.containerPort, protocol: p.protocol ?? 'TCP', name: p.name });
  }
  return out;
}

export function exposedService(obj: KubeObject, f: ExposeFlags): KubeObject {
  const type = f.type ? TYPES[f.type.toLowerCase()] : undefined;
  if (f.type && !type) throw new CliError(`invalid service type "${f.type}": must be ClusterIP, NodePort or LoadBalancer`);
  const selector = f.selector ? parseKeyValues([f.selector], 'labels') : selectorOf(obj);
  const target = f.targetPort === undefined ? undefined : /^\d+$/.test(f.targetPort) ? Number(f.targetPort) : f.targetPort;
  let ports: ServicePortSpec[];
  if (f.port !== undefined) {
    const list = f.port.split(',').map((p) => Number(p));
    if (list.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) throw new CliError(`invalid port: ${f.port}`);
    ports = list.map((port, i) => ({
      port, targetPort: target ?? port, protocol: f.protocol ?? 'TCP', name: list.length > 1 ? `port-${i + 1}` : undefined,
    }));
  } else {
    const found = portsOf(obj);
    if (found.length === 0) throw new CliError(`couldn't find port via --port flag or introspection`);
    ports = found.map((p, i) => ({
      port: p.port, targetPort: target ?? p.port, protocol: f.protocol ?? p.protocol,
      name: found.length > 1 ? p.name ?? `port-${i + 1}` : undefined,
    }));
  }
  if (f.nodePort && ports[0]) ports[0].nodePort = f.nodePort;
  const labels = f.labels ? parseKeyValues([f.labels], 'labels') : obj.metadata.labels;
  const svc = serviceFor({ name: f.name ?? obj.metadata.name ?? '', type: type ?? 'ClusterIP', ports, selector, labels, clusterIP: f.clusterIp });
  if (!labels) delete (svc.metadata as { labels?: unknown }).labels;
  // without --type kubectl leaves the type to the server's default
  if (!type) delete (svc.spec as { type?: unknown }).type;
  if (f.externalIp) (svc.spec as Record<string, unknown>).externalIPs = f.externalIp.split(',');
  return svc;
}

export function registerExpose(program: Command): void {
  newVerb(program, 'expose', 'Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service')
    .argument('<resource...>', 'TYPE NAME | TYPE/NAME')
    .option('--port <port>', 'the port the service serves on (defaults to the ports of the exposed object)')
    .option('--target-port <port>', 'name or number of the container port to send traffic to')
    .option('--name <name>', 'name of the new service (default: the object\'s name)')
    .option('--type <type>', 'ClusterIP, NodePort or LoadBalancer')
    .option('--protocol <protocol>', 'TCP, UDP or SCTP')
    .option('--selector <k=v,...>', 'selector for the service (default: the object\'s)')
    .option('-l, --labels <k=v,...>', 'labels for the service (default: the object\'s)')
    .option('--external-ip <ip>', 'external IP addresses for the service')
    .option('--cluster-ip <ip>', 'ClusterIP to assign, or None for headless')
    .option('--node-port <port>', 'with --type NodePort: the port on every node', intFlag('node-port'))
    .option('-o, --output <format>', 'output format: yaml|json|name|...')
    .option('--dry-run <mode>', 'none|client|server: only show what would be created')
    .addHelpText('after', `
Examples:
  kubelite expose deployment web --port=80 --target-port=8080
  kubelite expose deploy/web --type=NodePort --port=80
  kubelite expose pod db --port=5432 --name=db
  kubelite expose svc web --name=web-lb --type=LoadBalancer`)
    .action(verbAction(async (ctx: CliContext, args, opts) => {
      const f = opts as unknown as ExposeFlags;
      const { info, name } = parseSingle(args, 'expose');
      const obj = await ctx.client.get(info, info.namespaced ? ctx.namespace : undefined, name);
      obj.kind = obj.kind ?? info.kind;
      const svc = exposedService(obj, f);
      if (!f.output && !f.dryRun) {
        // kubectl reports the exposure, not the creation
        const created = await ctx.client.create(ctx.client.resource('v1', 'Service'), ctx.namespace, stripNulls(svc));
        out(`service/${created.metadata.name} exposed\n`);
        return;
      }
      await createObject(ctx, svc, f);
    }));
}

function stripNulls(obj: KubeObject): KubeObject {
  const copy = JSON.parse(JSON.stringify(obj)) as KubeObject;
  if ((copy.metadata as { creationTimestamp?: unknown }).creationTimestamp === null) delete (copy.metadata as { creationTimestamp?: unknown }).creationTimestamp;
  return copy;
}
