// metrics.k8s.io/v1beta1, served from the kubelets' Stats: the API `kubectl top` reads.
import { ApiError, statusOf } from '../../api/errors.js';
import type { KubeObject } from '../../api/meta.js';
import type { Node, Pod } from '../../api/types/core.js';
import type { PodStats, StatsResponse } from '../../api/kubelet-proto.js';
import { errorFields } from '../../client/logger.js';
import { NODES, PODS, type StreamsContext } from './context.js';
import { kubeletAddress } from './pods.js';
import { metricsList, renderNodeMetrics, renderPodMetrics, type NodeMetrics, type PodMetrics } from './metrics-render.js';

const STATS_TIMEOUT_MS = 10_000;

type MetricsRoute = { resource: 'pods' | 'nodes'; namespace?: string; name?: string };

function notFound(resource: 'podmetrics' | 'nodemetrics', name: string): ApiError {
  return new ApiError(statusOf(404, 'NotFound', `${resource}.metrics.k8s.io "${name}" not found`,
    { name, group: 'metrics.k8s.io', kind: resource === 'podmetrics' ? 'pods' : 'nodes' }));
}

/** Stats from one node, or undefined when its kubelet cannot be reached (it simply has no metrics). */
async function nodeStats(ctx: StreamsContext, node: Node, req: { namespace: string; pod: string; nodeOnly: boolean }): Promise<StatsResponse | undefined> {
  try {
    const addr = kubeletAddress(node);
    return await ctx.kubelets.stats(addr, req, STATS_TIMEOUT_MS);
  } catch (err) {
    ctx.logger.debug({ ...errorFields(err), node: node.metadata.name }, 'kubelet stats unavailable');
    return undefined;
  }
}

function getOrUndefined<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined;
    throw err;
  }
}

async function podMetrics(ctx: StreamsContext, route: MetricsRoute, labelSelector: string | undefined): Promise<PodMetrics[]> {
  const pods: Pod[] = route.name
    ? [getOrUndefined(() => ctx.registry.get(PODS, route.namespace, route.name!) as unknown as Pod)].filter((p): p is Pod => !!p)
    : (ctx.registry.list(PODS, route.namespace, { labelSelector }).items as unknown as Pod[]);
  const byNode = new Map<string, Pod[]>();
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (!n || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  const now = Date.now();
  const out: PodMetrics[] = [];
  await Promise.all([...byNode.entries()].map(async ([nodeName, nodePods]) => {
    const node = getOrUndefined(() => ctx.registry.get(NODES, undefined, nodeName) as unknown as Node);
    if (!node) return;
    const stats = await nodeStats(ctx, node, { namespace: route.namespace ?? '', pod: route.name ?? '', nodeOnly: false });
    if (!stats) return;
    const index = new Map<string, PodStats>(stats.pods.map((s) => [`${s.namespace}/${s.name}`, s]));
    for (const p of nodePods) {
      const s = index.get(`${p.metadata.namespace}/${p.metadata.name}`);
      // a container of an older pod with the same name is not this pod's
      if (!s || (s.uid && p.metadata.uid && s.uid !== p.metadata.uid)) continue;
      out.push(renderPodMetrics(s, p.metadata.labels, now));
    }
  }));
  out.sort((a, b) => (a.metadata.namespace + '/' + a.metadata.name).localeCompare(b.metadata.namespace + '/' + b.metadata.name));
  return out;
}

async function nodeMetrics(ctx: StreamsContext, route: MetricsRoute, labelSelector: string | undefined): Promise<NodeMetrics[]> {
  const nodes: Node[] = route.name
    ? [getOrUndefined(() => ctx.registry.get(NODES, undefined, route.name!) as unknown as Node)].filter((n): n is Node => !!n)
    : (ctx.registry.list(NODES, undefined, { labelSelector }).items as unknown as Node[]);
  const now = Date.now();
  const out: NodeMetrics[] = [];
  await Promise.all(nodes.map(async (node) => {
    const stats = await nodeStats(ctx, node, { namespace: '', pod: '', nodeOnly: true });
    if (!stats?.node) return;
    // the Node object's name is the truth; the kubelet may call itself something else
    out.push(renderNodeMetrics({ ...stats.node, name: node.metadata.name ?? stats.node.name }, node.metadata.labels, now));
  }));
  out.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  return out;
}

export async function serveMetrics(ctx: StreamsContext, route: MetricsRoute, query: URLSearchParams): Promise<KubeObject | object> {
  const labelSelector = query.get('labelSelector') || undefined;
  if (route.resource === 'pods') {
    const items = await podMetrics(ctx, route, labelSelector);
    if (route.name) {
      if (!items.length) throw notFound('podmetrics', route.name);
      return items[0];
    }
    return metricsList('PodMetricsList', items);
  }
  const items = await nodeMetrics(ctx, route, labelSelector);
  if (route.name) {
    if (!items.length) throw notFound('nodemetrics', route.name);
    return items[0];
  }
  return metricsList('NodeMetricsList', items);
}
