// `kubelite label` and `kubelite annotate`: merge patches of metadata.labels /
// metadata.annotations; `key-` removes, changing a value needs --overwrite.
import type { Command } from 'commander';
import { isApiError } from '../../api/errors.js';
import type { KubeObject } from '../../api/meta.js';
import type { ResourceInfo } from '../../api/resources.js';
import { newVerb, verbAction, out, err, type CliContext } from './context.js';
import { CliError, ExitCode, formatError } from './errors.js';
import { listObjects } from './fetch.js';
import { collect } from './flags.js';
import { readManifests } from './manifests.js';
import { infoForObject, parseResourceArgs } from './resources.js';
import { kindPrefix } from './table.js';

export interface MetadataChanges {
  set: Record<string, string>;
  remove: string[];
}

/** `a=b c-` arguments into what to set and what to remove. */
export function parseChanges(items: string[], what: 'label' | 'annotation'): MetadataChanges {
  const out: MetadataChanges = { set: {}, remove: [] };
  for (const item of items) {
    if (item.endsWith('-') && !item.includes('=')) {
      out.remove.push(item.slice(0, -1));
      continue;
    }
    const eq = item.indexOf('=');
    if (eq <= 0) throw new CliError(`invalid ${what} spec: ${item}`);
    const key = item.slice(0, eq);
    if (Object.hasOwn(out.set, key)) throw new CliError(`can not both modify and remove ${what}s in the same command`);
    out.set[key] = item.slice(eq + 1);
  }
  for (const k of out.remove) if (Object.hasOwn(out.set, k)) throw new CliError(`can not both modify and remove ${what}s in the same command`);
  return out;
}

/**
 * The merge patch for `current`, or undefined when nothing would change. Refuses
 * to change an existing value without `overwrite`, like kubectl.
 */
export function metadataPatch(
  current: Record<string, string> | undefined, changes: MetadataChanges, field: 'labels' | 'annotations', overwrite: boolean,
  resourceVersion?: string,
): Record<string, unknown> | undefined {
  const cur = current ?? {};
  const patch: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(changes.set)) {
    if (Object.hasOwn(cur, k) && cur[k] !== v && !overwrite) {
      throw new CliError(`'${k}' already has a value (${cur[k]}), and --overwrite is false`);
    }
    if (cur[k] !== v) patch[k] = v;
  }
  for (const k of changes.remove) if (Object.hasOwn(cur, k)) patch[k] = null;
  if (Object.keys(patch).length === 0) return undefined;
  const metadata: Record<string, unknown> = { [field]: patch };
  if (resourceVersion) metadata.resourceVersion = resourceVersion;
  return { metadata };
}

interface Flags {
  overwrite?: boolean;
  selector?: string;
  all?: boolean;
  allNamespaces?: boolean;
  list?: boolean;
  resourceVersion?: string;
  filename: string[];
  output?: string;
}

function register(program: Command, verb: 'label' | 'annotate', field: 'labels' | 'annotations', past: string): void {
  const what = verb === 'label' ? 'label' : 'annotation';
  newVerb(program, verb, verb === 'label' ? 'Update the labels on a resource' : 'Update the annotations on a resource')
    .argument('[args...]', `TYPE NAME | TYPE/NAME ... KEY=VAL ... KEY-`)
    .option('--overwrite', `allow changing existing ${what}s`)
    .option('-l, --selector <selector>', 'update the objects matching this label selector')
    .option('--all', 'update every object of the type in the namespace')
    .option('-A, --all-namespaces', 'with --all or -l: across all namespaces')
    .option('--list', `print the ${what}s of the objects`)
    .option('--resource-version <rv>', 'only update if the object is at this resource version')
    .option('-f, --filename <file>', 'files identifying the objects', collect, [])
    .option('-o, --output <format>', 'name: print only kind/name')
    .addHelpText('after', verb === 'label' ? `
Examples:
  kubelite label pods web-0 tier=frontend
  kubelite label deploy/web env=prod --overwrite
  kubelite label pods --all stale=true
  kubelite label node node-1 disk-
  kubelite label pods web-0 --list` : `
Examples:
  kubelite annotate pods web-0 description='my frontend'
  kubelite annotate deploy/web owner=team-a --overwrite
  kubelite annotate pods web-0 description-`)
    .action(verbAction(async (ctx, args, opts) => run(ctx, args, opts as unknown as Flags, verb, field, what, past)));
}

async function run(ctx: CliContext, args: string[], f: Flags, verb: string, field: 'labels' | 'annotations', what: 'label' | 'annotation', past: string): Promise<void> {
  const isChange = (a: string) => a.includes('=') || (a.endsWith('-') && !a.includes('/'));
  // the first argument is always a resource type (or TYPE/NAME)
  const resourceArgs = args.length ? [args[0], ...args.slice(1).filter((a) => !isChange(a))] : [];
  const changeArgs = args.slice(1).filter(isChange);
  const changes = parseChanges(changeArgs, what);
  if (!f.list && changeArgs.length === 0) throw new CliError(`at least one ${what} update is required`);
  const targets: Array<{ info: ResourceInfo; ns: string | undefined; name: string }> = [];
  for (const m of f.filename.length ? await readManifests(f.filename, false, verb) : []) {
    const info = infoForObject(m.obj, m.source);
    targets.push({ info, ns: info.namespaced ? m.obj.metadata.namespace ?? ctx.namespace : undefined, name: m.obj.metadata.name ?? '' });
  }
  for (const r of f.filename.length ? [] : parseResourceArgs(resourceArgs)) {
    const ns = r.info.namespaced ? (f.allNamespaces ? undefined : ctx.namespace) : undefined;
    if (r.names.length) {
      for (const n of r.names) targets.push({ info: r.info, ns: r.info.namespaced ? ctx.namespace : undefined, name: n });
    } else if (f.all || f.selector) {
      for (const o of (await listObjects(ctx.client, r.info, ns, { labelSelector: f.selector })).items) {
        targets.push({ info: r.info, ns: o.metadata.namespace, name: o.metadata.name ?? '' });
      }
    } else {
      throw new CliError('resource(s) were provided, but no name was specified');
    }
  }
  if (targets.length === 0 && !f.all && !f.selector) throw new CliError('one or more resources must be specified as <resource> <name> or <resource>/<name>');
  const errors: string[] = [];
  for (const t of targets) {
    try {
      const obj: KubeObject = await ctx.client.get(t.info, t.ns, t.name);
      const label = `${kindPrefix(t.info.kind, t.info.group)}/${t.name}`;
      if (f.list) {
        const m = obj.metadata[field] ?? {};
        for (const k of Object.keys(m).sort()) out(`${k}=${m[k]}\n`);
        continue;
      }
      const patch = metadataPatch(obj.metadata[field], changes, field, !!f.overwrite, f.resourceVersion);
      if (!patch) {
        out(f.output === 'name' ? `${label}\n` : `${label} not ${past}\n`);
        continue;
      }
      await ctx.client.patch(t.info, t.ns, t.name, patch, 'merge');
      out(f.output === 'name' ? `${label}\n` : `${label} ${past}\n`);
    } catch (e) {
      if (!isApiError(e)) throw e;
      errors.push(formatError(e));
    }
  }
  if (errors.length) {
    err(errors.map((e) => `${e}\n`).join(''));
    throw new ExitCode(1);
  }
}

export function registerLabel(program: Command): void {
  register(program, 'label', 'labels', 'labeled');
  register(program, 'annotate', 'annotations', 'annotated');
}
