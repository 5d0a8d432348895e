// `kubelite top pod|node`: metrics.k8s.io usage, printed like kubectl top.
import { Command } from 'commander';
import { cpuToMilli, memoryToBytes } from '../../api/quantity.js';
import type { Node } from '../../api/types/index.js';
import { addGlobalFlags, verbAction, withExamples, out } from './context.js';
import { CliError } from './errors.js';
import { listObjects } from './fetch.js';
import { resolveType } from './resources.js';
import { formatRows } from './tabwriter.js';

interface Usage {
  cpu?: string;
  memory?: string;
}

export interface PodMetrics {
  metadata: { name: string; namespace?: string; creationTimestamp?: string };
  timestamp?: string;
  window?: string;
  containers: Array<{ name: string; usage: Usage }>;
}

export interface NodeMetrics {
  metadata: { name: string };
  usage: Usage;
}

function milli(v: string | undefined): number {
  try {
    return v === undefined ? 0 : cpuToMilli(v);
  } catch {
    return 0;
  }
}

function bytes(v: string | undefined): number {
  try {
    return v === undefined ? 0 : memoryToBytes(v);
  } catch {
    return 0;
  }
}

const cpuText = (m: number) => `${Math.ceil(m)}m`;

/** kubectl ends every top cell with a tab, so the last column is padded too. */
export function topText(rows: string[][]): string {
  return formatRows(rows.map((r) => [...r, '']));
}
const memText = (b: number) => `${Math.floor(b / (1024 * 1024))}Mi`;

export interface PodRowOptions {
  allNamespaces?: boolean;
  containers?: boolean;
  sortBy?: string;
  noHeaders?: boolean;
  sum?: boolean;
}

/** The rows of `top pod`. */
export function podMetricRows(items: PodMetrics[], o: PodRowOptions): string[][] {
  const totals = (p: PodMetrics) => ({
    cpu: p.containers.reduce((n, c) => n + milli(c.usage.cpu), 0),
    mem: p.containers.reduce((n, c) => n + bytes(c.usage.memory), 0),
  });
  const sorted = [...items];
  if (o.sortBy === 'cpu') sorted.sort((a, b) => totals(b).cpu - totals(a).cpu);
  else if (o.sortBy === 'memory') sorted.sort((a, b) => totals(b).mem - totals(a).mem);
  const header = [...(o.allNamespaces ? ['NAMESPACE'] : []), ...(o.containers ? ['POD', 'NAME'] : ['NAME']), 'CPU(cores)', 'MEMORY(bytes)'];
  const rows: string[][] = o.noHeaders ? [] : [header];
  let sumCpu = 0;
  let sumMem = 0;
  for (const p of sorted) {
    const ns = o.allNamespaces ? [p.metadata.namespace ?? ''] : [];
    if (o.containers) {
      for (const c of p.containers) rows.push([...ns, p.metadata.name, c.name, cpuText(milli(c.usage.cpu)), memText(bytes(c.usage.memory))]);
    } else {
      const t = totals(p);
      rows.push([...ns, p.metadata.name, cpuText(t.cpu), memText(t.mem)]);
    }
    const t = totals(p);
    sumCpu += t.cpu;
    sumMem += t.mem;
  }
  if (o.sum) {
    const pad = header.length - 2;
    rows.push([...Array(pad).fill(''), '________', '________']);
    rows.push([...Array(pad).fill(''), cpuText(sumCpu), memText(sumMem)]);
  }
  return rows;
}

/** The rows of `top node`: usage and its share of the node's allocatable resources. */
export function nodeMetricRows(items: NodeMetrics[], nodes: Node[], o: { sortBy?: string; noHeaders?: boolean }): string[][] {
  const byName = new Map(nodes.map((n) => [n.metadata.name, n]));
  const sorted = [...items];
  if (o.sortBy === 'cpu') sorted.sort((a, b) => milli(b.usage.cpu) - milli(a.usage.cpu));
  else if (o.sortBy === 'memory') sorted.sort((a, b) => bytes(b.usage.memory) - bytes(a.usage.memory));
  const rows: string[][] = o.noHeaders ? [] : [['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']];
  for (const m of sorted) {
    const node = byName.get(m.metadata.name);
    const alloc = node?.status?.allocatable ?? node?.status?.capacity ?? {};
    const cpu = milli(m.usage.cpu);
    const mem = bytes(m.usage.memory);
    const cpuAlloc = milli(alloc.cpu);
    const memAlloc = bytes(alloc.memory);
    rows.push([
      m.metadata.name,
      cpuText(cpu),
      cpuAlloc ? `${Math.trunc((cpu / cpuAlloc) * 100)}%` : '<unknown>',
      memText(mem),
      memAlloc ? `${Math.trunc((mem / memAlloc) * 100)}%` : '<unknown>',
    ]);
  }
  for (const n of nodes) {
    if (!items.some((m) => m.metadata.name === n.metadata.name)) rows.push([n.metadata.name ?? '', '<unknown>', '<unknown>', '<unknown>', '<unknown>']);
  }
  return rows;
}

function sub(parent: Command, nameAndArgs: string, description: string): Command {
  return addGlobalFlags(parent.command(nameAndArgs).description(description));
}

export function registerTop(program: Command): void {
  const top = program.command('top').description('Display resource (CPU/memory) usage')
    .addHelpText('after', `
Examples:
  kubelite top nodes
  kubelite top pods -A --sort-by=cpu
  kubelite top pod web-7d4b9c --containers`);

  withExamples(sub(top, 'pod', 'Display resource (CPU/memory) usage of pods'), 'kubelite top pod', 'kubelite top pod web-7d4b9c --containers', 'kubelite top pods -A --sort-by=memory')
    .alias('pods').alias('po')
    .argument('[name]', 'only this pod')
    .option('-A, --all-namespaces', 'pods of every namespace')
    .option('-l, --selector <selector>', 'label selector')
    .option('--field-selector <selector>', 'field selector')
    .option('--containers', 'usage per container')
    .option('--sort-by <field>', 'cpu or memory')
    .option('--no-headers', "don't print headers")
    .option('--sum', 'print the sum of the usage')
    .action(verbAction(async (ctx, args, opts) => {
      const f = opts as { allNamespaces?: boolean; selector?: string; fieldSelector?: string; containers?: boolean; sortBy?: string; headers?: boolean; sum?: boolean };
      const ns = f.allNamespaces ? undefined : ctx.namespace;
      const base = ns ? `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(ns)}/pods` : '/apis/metrics.k8s.io/v1beta1/pods';
      let items: PodMetrics[];
      if (args[0]) {
        items = [await ctx.client.request<PodMetrics>({ method: 'GET', path: `${base}/${encodeURIComponent(args[0])}` })];
      } else {
        const list = await ctx.client.request<{ items: PodMetrics[] }>({
          method: 'GET', path: base, query: { labelSelector: f.selector || undefined, fieldSelector: f.fieldSelector || undefined },
        });
        items = list.items ?? [];
      }
      if (items.length === 0) {
        if (!args[0]) {
          // kubectl tells apart "no pods" from "no metrics yet"
          const pods = await listObjects(ctx.client, resolveType('pods'), ns, { labelSelector: f.selector, fieldSelector: f.fieldSelector });
          if (pods.items.length === 0) {
            process.stderr.write(ns ? `No resources found in ${ns} namespace.\n` : 'No resources found\n');
            return;
          }
        }
        throw new CliError('metrics not available yet');
      }
      out(topText(podMetricRows(items, { allNamespaces: f.allNamespaces, containers: f.containers, sortBy: f.sortBy, noHeaders: f.headers === false, sum: f.sum })));
    }));

  withExamples(sub(top, 'node', 'Display resource (CPU/memory) usage of nodes'), 'kubelite top node', 'kubelite top node node-1')
    .alias('nodes').alias('no')
    .argument('[name]', 'only this node')
    .option('-l, --selector <selector>', 'label selector')
    .option('--sort-by <field>', 'cpu or memory')
    .option('--no-headers', "don't print headers")
    .action(verbAction(async (ctx, args, opts) => {
      const f = opts as { selector?: string; sortBy?: string; headers?: boolean };
      const nodesInfo = resolveType('nodes');
      let metrics: NodeMetrics[];
      let nodes: Node[];
      if (args[0]) {
        nodes = [(await ctx.client.get(nodesInfo, undefined, args[0])) as Node];
        metrics = [await ctx.client.request<NodeMetrics>({ method: 'GET', path: `/apis/metrics.k8s.io/v1beta1/nodes/${encodeURIComponent(args[0])}` })];
      } else {
        nodes = (await listObjects<Node>(ctx.client, nodesInfo, undefined, { labelSelector: f.selector })).items;
        metrics = (await ctx.client.request<{ items: NodeMetrics[] }>({
          method: 'GET', path: '/apis/metrics.k8s.io/v1beta1/nodes', query: { labelSelector: f.selector || undefined },
        })).items ?? [];
      }
      if (metrics.length === 0 && nodes.length === 0) {
        process.stderr.write('No resources found\n');
        return;
      }
      if (metrics.length === 0) throw new CliError('metrics not available yet');
      out(topText(nodeMetricRows(metrics, nodes, { sortBy: f.sortBy, noHeaders: f.headers === false })));
    }));
}
