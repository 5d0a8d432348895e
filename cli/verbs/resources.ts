// What a person types after a verb — `deploy,svc`, `pods web db`, `deploy/web`,
// `all` — into the resources and names to act on.
import { RESOURCES, findByKind, resolveResourceAlias, type ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/meta.js';
import { CliError } from './errors.js';

export interface ResourceRequest {
  info: ResourceInfo;
  /** empty: every object of the kind (subject to selectors) */
  names: string[];
}

/** `deploy` → apps/v1 deployments; unknown types fail like kubectl. */
export function resolveType(alias: string): ResourceInfo {
  const info = resolveResourceAlias(alias.trim());
  if (!info) throw new CliError(`the server doesn't have a resource type "${alias}"`);
  return info;
}

/** The kinds in the `all` category, once each, at their preferred version. */
export function allCategory(): ResourceInfo[] {
  const seen = new Set<string>();
  const out: ResourceInfo[] = [];
  for (const r of RESOURCES) {
    if (!r.categories.includes('all')) continue;
    const key = `${r.group}/${r.resource}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
  }
  return out;
}

function expandTypes(spec: string): ResourceInfo[] {
  const out: ResourceInfo[] = [];
  for (const t of spec.split(',')) {
    if (t === '') continue;
    const infos = t === 'all' ? allCategory() : [resolveType(t)];
    for (const i of infos) if (!out.some((o) => o.group === i.group && o.resource === i.resource)) out.push(i);
  }
  return out;
}

/**
 * Parses resource arguments. Either every argument is `type/name`, or the first
 * is `type[,type...]` and the rest are names (shared by every type).
 */
export function parseResourceArgs(args: string[]): ResourceRequest[] {
  if (args.length === 0) return [];
  const slashed = args.filter((a) => a.includes('/'));
  if (slashed.length > 0) {
    if (slashed.length !== args.length) {
      throw new CliError(
        `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubelite get resource/<resource_name>' instead of 'kubelite get resource resource/<resource_name>'`,
      );
    }
    const out: ResourceRequest[] = [];
    for (const a of args) {
      const i = a.indexOf('/');
      const type = a.slice(0, i);
      const name = a.slice(i + 1);
      if (!type || !name) throw new CliError(`arguments in resource/name form must have a single resource and name`);
      const info = resolveType(type);
      const existing = out.find((r) => r.info === info);
      if (existing) existing.names.push(name);
      else out.push({ info, names: [name] });
    }
    return out;
  }
  const [types, ...names] = args;
  return expandTypes(types).map((info) => ({ info, names: [...names] }));
}

/** One `type/name` or `type name` for verbs acting on a single object (scale, expose, logs...). */
export function parseSingle(args: string[], verb: string): { info: ResourceInfo; name: string; rest: string[] } {
  if (args.length === 0) throw new CliError(`you must specify a resource to ${verb}`);
  const first = args[0];
  if (first.includes('/')) {
    const i = first.indexOf('/');
    return { info: resolveType(first.slice(0, i)), name: first.slice(i + 1), rest: args.slice(1) };
  }
  if (args.length < 2) throw new CliError(`you must specify the name of the resource to ${verb}`);
  return { info: resolveType(first), name: args[1], rest: args.slice(2) };
}

/** `pod/x`, `deploy/x` or a bare pod name (logs, exec, port-forward default to pods). */
export function parsePodish(arg: string): { info: ResourceInfo; name: string } {
  const i = arg.indexOf('/');
  if (i < 0) return { info: resolveType('pods'), name: arg };
  return { info: resolveType(arg.slice(0, i)), name: arg.slice(i + 1) };
}

/** The resource serving an object from a manifest, by its apiVersion and kind. */
export function infoForObject(obj: KubeObject, source = ''): ResourceInfo {
  const info = findByKind(obj.apiVersion ?? '', obj.kind ?? '');
  if (!info) {
    throw new CliError(`resource mapping not found for name: "${obj.metadata?.name ?? ''}" namespace: "${obj.metadata?.namespace ?? ''}" from "${source}": ` +
      `no matches for kind "${obj.kind}" in version "${obj.apiVersion}"\nensure CRDs are installed first`);
  }
  return info;
}
