// `kubelite describe`: fetches an object plus what kubectl shows with it (events,
// ReplicaSets, pods, endpoints, the node Lease) and prints kubectl's text.
import type { Command } from 'commander';
import { isApiError, isNotFound } from '../../api/errors.js';
import type { KubeObject } from '../../api/meta.js';
import { resolveResourceAlias, type ResourceInfo } from '../../api/resources.js';
import { labelSelectorToString } from '../../api/labels.js';
import type { Deployment, Endpoints, Node, Pod, ReplicaSet, Service } from '../../api/types/index.js';
import type { RestClient } from '../../client/rest.js';
import { newVerb, verbAction, out, err, type CliContext } from './context.js';
import type { EventLike } from './describe-writer.js';
import {
  describeConfigMap, describeDeployment, describeGeneric, describeNamespace, describeNode, describePod, describeReplicaSet,
  describeSecret, describeService,
} from './describe-format.js';
import { CliError, ExitCode, formatError } from './errors.js';
import { getObject, listObjects } from './fetch.js';
import { collect } from './flags.js';
import { readManifests } from './manifests.js';
import { infoForObject, parseResourceArgs, resolveType } from './resources.js';

interface DescribeFlags {
  selector?: string;
  allNamespaces?: boolean;
  showEvents: boolean;
  filename: string[];
  recursive?: boolean;
}

export function registerDescribe(program: Command): void {
  newVerb(program, 'describe', 'Show details of a specific resource or group of resources')
    .argument('[resources...]', 'TYPE [NAME_PREFIX] | TYPE/NAME')
    .option('-l, --selector <selector>', 'label selector')
    .option('-A, --all-namespaces', 'describe objects in every namespace')
    .option('--show-events [bool]', 'show the events related to the object', (v: string) => v !== 'false', true)
    .option('-f, --filename <file>', 'files identifying the resources', collect, [])
    .option('-R, --recursive', 'process directories given with -f recursively')
    .addHelpText('after', `
Examples:
  kubelite describe pod web-7d4b9c
  kubelite describe deploy/web
  kubelite describe nodes
  kubelite describe pods -l app=web
  kubelite describe svc web --show-events=false`)
    .action(verbAction(async (ctx, args, opts) => runDescribe(ctx, args, opts as unknown as DescribeFlags)));
}

/** Events about one object, as kubectl searches them. */
export async function eventsFor(client: RestClient, obj: KubeObject): Promise<EventLike[]> {
  const events = resolveResourceAlias('events') as ResourceInfo;
  const sel = [`involvedObject.name=${obj.metadata.name}`, `involvedObject.namespace=${obj.metadata.namespace ?? ''}`];
  if (obj.metadata.uid) sel.push(`involvedObject.uid=${obj.metadata.uid}`);
  try {
    const list = await listObjects(client, events, obj.metadata.namespace || undefined, { fieldSelector: sel.join(',') });
    return list.items as unknown as EventLike[];
  } catch (e) {
    if (isApiError(e)) return [];
    throw e;
  }
}

async function targets(ctx: CliContext, info: ResourceInfo, ns: string | undefined, name: string | undefined, sel?: string): Promise<KubeObject[]> {
  if (name === undefined) return (await listObjects(ctx.client, info, ns, { labelSelector: sel })).items;
  try {
    return [await getObject(ctx.client, info, ns ?? ctx.namespace, name)];
  } catch (e) {
    if (!isNotFound(e)) throw e;
    // like kubectl, a name that matches nothing exactly describes every object it prefixes
    const all = (await listObjects(ctx.client, info, ns ?? ctx.namespace, { labelSelector: sel })).items;
    const matched = all.filter((o) => (o.metadata.name ?? '').startsWith(name));
    if (matched.length === 0) throw e;
    return matched;
  }
}

async function runDescribe(ctx: CliContext, args: string[], f: DescribeFlags): Promise<void> {
  const ns = f.allNamespaces ? undefined : ctx.namespace;
  const work: Array<{ info: ResourceInfo; ns: string | undefined; name?: string }> = [];
  if (f.filename.length) {
    for (const m of await readManifests(f.filename, !!f.recursive, 'describe')) {
      work.push({ info: infoForObject(m.obj, m.source), ns: m.obj.metadata.namespace ?? ctx.namespace, name: m.obj.metadata.name });
    }
  } else {
    if (args.length === 0) throw new CliError('You must specify the type of resource to describe. Use "kubelite api-resources" for a complete list of supported resources.');
    for (const r of parseResourceArgs(args)) {
      if (r.names.length === 0) work.push({ info: r.info, ns });
      for (const n of r.names) work.push({ info: r.info, ns, name: n });
    }
  }
  const texts: string[] = [];
  const errors: string[] = [];
  for (const w of work) {
    let objs: KubeObject[];
    try {
      objs = await targets(ctx, w.info, w.ns, w.name, f.selector);
    } catch (e) {
      if (!isApiError(e)) throw e;
      errors.push(formatError(e));
      continue;
    }
    for (const obj of objs) texts.push(await describeOne(ctx.client, w.info, obj, f.showEvents));
  }
  if (texts.length === 0 && errors.length === 0) {
    err(ns && work.some((w) => w.info.namespaced) ? `No resources found in ${ns} namespace.\n` : 'No resources found\n');
  }
  out(texts.join('\n\n'));
  if (errors.length) {
    err(errors.map((e) => `${e}\n`).join(''));
    throw new ExitCode(1);
  }
}

async function optional<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isApiError(e)) return undefined;
    throw e;
  }
}

export async function describeOne(client: RestClient, info: ResourceInfo, obj: KubeObject, showEvents: boolean): Promise<string> {
  const now = new Date();
  const events = showEvents ? await eventsFor(client, obj) : undefined;
  const ns = obj.metadata.namespace;
  const key = `${info.group}/${info.resource}`;
  switch (key) {
    case '/pods':
      return describePod(obj as Pod, events, now);
    case 'apps/deployments': {
      const d = obj as Deployment;
      const rss = await optional(listObjects<ReplicaSet>(client, resolveType('replicasets'), ns, { labelSelector: labelSelectorToString(d.spec.selector) }));
      const owned = (rss?.items ?? []).filter((rs) => rs.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid));
      const newRS = findNewReplicaSet(d, owned);
      const old = owned.filter((rs) => rs !== newRS && (rs.spec.replicas ?? 0) + (rs.status?.replicas ?? 0) > 0);
      // kubectl prints the ReplicaSet lines only when there is one to name
      return describeDeployment(d, old.length ? old : undefined, newRS, events, now);
    }
    case 'apps/replicasets': {
      const rs = obj as ReplicaSet;
      const pods = await optional(listObjects<Pod>(client, resolveType('pods'), ns, { labelSelector: labelSelectorToString(rs.spec.selector) }));
      const owned = pods?.items.filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === rs.metadata.uid));
      return describeReplicaSet(rs, owned, events, now);
    }
    case '/services': {
      const ep = await optional(client.get<Endpoints>(resolveType('endpoints'), ns, obj.metadata.name ?? ''));
      return describeService(obj as Service, ep, events, now);
    }
    case '/nodes': {
      const pods = await optional(listObjects<Pod>(client, resolveType('pods'), undefined, { fieldSelector: `spec.nodeName=${obj.metadata.name}` }));
      const running = pods?.items.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
      let lease: KubeObject | string | undefined;
      try {
        lease = await client.get(resolveType('leases'), 'kube-node-lease', obj.metadata.name ?? '');
      } catch (e) {
        if (!isApiError(e)) throw e;
        lease = e.message;
      }
      return describeNode(obj as Node, running, events, lease, now);
    }
    case '/namespaces':
      return describeNamespace(obj);
    case '/configmaps':
      return describeConfigMap(obj, events, now);
    case '/secrets':
      return describeSecret(obj);
    default:
      return describeGeneric(obj, events, now);
  }
}

/** The ReplicaSet of the deployment's current template (same revision, or same template). */
export function findNewReplicaSet(d: Deployment, owned: ReplicaSet[]): ReplicaSet | undefined {
  const strip = (t: unknown) => {
    const c = JSON.parse(JSON.stringify(t ?? {})) as { metadata?: { labels?: Record<string, string> } };
    if (c.metadata?.labels) delete c.metadata.labels['pod-template-hash'];
    return JSON.stringify(c, Object.keys(flatKeys(c)).sort());
  };
  const want = strip(d.spec.template);
  const byTemplate = owned.filter((rs) => strip(rs.spec.template) === want);
  if (byTemplate.length) return byTemplate.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''))[0];
  const rev = d.metadata.annotations?.['deployment.kubernetes.io/revision'];
  return rev ? owned.find((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === rev) : undefined;
}

/** Every key at any depth, so JSON.stringify's replacer keeps them all in sorted order. */
function flatKeys(v: unknown, acc: Record<string, true> = {}): Record<string, true> {
  if (Array.isArray(v)) for (const x of v) flatKeys(x, acc);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      acc[k] = true;
      flatKeys(x, acc);
    }
  }
  return acc;
}
