// Which pod `logs`, `exec` and `port-forward` talk to when given a workload or a
// service (`deploy/web`, `svc/web`), and which container by default.
import type { KubeObject } from '../../api/meta.js';
import { labelSelectorToString } from '../../api/labels.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { Pod } from '../../api/types/index.js';
import type { RestClient } from '../../client/rest.js';
import { err } from './context.js';
import { CliError } from './errors.js';
import { listObjects } from './fetch.js';
import { resolveType } from './resources.js';

const PHASE_ORDER: Record<string, number> = { Running: 0, Unknown: 1, Pending: 2 };

function ready(p: Pod): boolean {
  return !!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}

function restarts(p: Pod): number {
  return (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

/**
 * kubectl's ByLogging order: scheduled before not, Running before Unknown before
 * Pending, ready before not, more restarts first, newer first.
 */
export function byLogging(a: Pod, b: Pod): number {
  const sa = a.spec.nodeName ? 0 : 1;
  const sb = b.spec.nodeName ? 0 : 1;
  if (sa !== sb) return sa - sb;
  const pa = PHASE_ORDER[a.status?.phase ?? 'Pending'] ?? 3;
  const pb = PHASE_ORDER[b.status?.phase ?? 'Pending'] ?? 3;
  if (pa !== pb) return pa - pb;
  if (ready(a) !== ready(b)) return ready(a) ? -1 : 1;
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '');
}

/** The label selector that picks the pods of a workload or service. */
export function podSelectorOf(obj: KubeObject): string {
  const spec = (obj.spec ?? {}) as { selector?: unknown; jobTemplate?: unknown };
  if (obj.kind === 'Service' || obj.kind === 'ReplicationController') {
    const sel = (spec.selector ?? {}) as Record<string, string>;
    if (Object.keys(sel).length === 0) throw new CliError(`${obj.kind.toLowerCase()} ${obj.metadata.name} has no selector`);
    return Object.keys(sel).sort().map((k) => `${k}=${sel[k]}`).join(',');
  }
  const sel = labelSelectorToString(spec.selector as Parameters<typeof labelSelectorToString>[0]);
  if (!sel) throw new CliError(`cannot find the pods of ${obj.kind} ${obj.metadata.name}: it has no selector`);
  return sel;
}

/** All pods behind `info/name` (one pod for a pod), best candidate first. */
export async function podsFor(client: RestClient, info: ResourceInfo, ns: string, name: string): Promise<Pod[]> {
  const pods = resolveType('pods');
  if (info.group === '' && info.resource === 'pods') return [(await client.get(pods, ns, name)) as Pod];
  const obj = await client.get(info, ns, name);
  obj.kind = obj.kind ?? info.kind;
  const list = await listObjects<Pod>(client, pods, ns, { labelSelector: podSelectorOf(obj) });
  return list.items.sort(byLogging);
}

export async function firstPodFor(client: RestClient, info: ResourceInfo, ns: string, name: string): Promise<Pod> {
  const pods = await podsFor(client, info, ns, name);
  if (pods.length === 0) throw new CliError(`no pods found for ${info.kind.toLowerCase()} ${JSON.stringify(name)}`);
  return pods[0];
}

/** `-c`, else the default-container annotation, else the first container (said on stderr when there are several). */
export function containerFor(pod: Pod, requested: string | undefined, quiet = false): string {
  const names = pod.spec.containers.map((c) => c.name);
  if (requested) return requested;
  const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (annotated && names.includes(annotated)) return annotated;
  if (names.length > 1 && !quiet) {
    err(`Defaulted container ${JSON.stringify(names[0])} out of: ${[...names, ...(pod.spec.initContainers ?? []).map((c) => `${c.name} (init)`)].join(', ')}\n`);
  }
  return names[0];
}
