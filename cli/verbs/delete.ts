// `kubelite delete`: by name, file, selector or --all; waits until the objects
// are gone like kubectl (unless --wait=false).
import type { Command } from 'commander';
import { isApiError, isNotFound } from '../../api/errors.js';
import type { DeleteOptions, KubeObject } from '../../api/meta.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { RestClient } from '../../client/rest.js';
import { newVerb, parseDuration, verbAction, out, err, type CliContext } from './context.js';
import { CliError, ExitCode, formatError } from './errors.js';
import { listObjects, nsFor, watchObjects } from './fetch.js';
import { boolFlag, collect, intFlag } from './flags.js';
import { readManifests } from './manifests.js';
import { infoForObject, parseResourceArgs } from './resources.js';
import { kindPrefix } from './table.js';

interface DeleteFlags {
  filename: string[];
  recursive?: boolean;
  selector?: string;
  fieldSelector?: string;
  all?: boolean;
  allNamespaces?: boolean;
  cascade: string;
  gracePeriod: number;
  now?: boolean;
  force?: boolean;
  wait: boolean;
  timeout: string;
  ignoreNotFound?: boolean;
  output?: string;
}

export function registerDelete(program: Command): void {
  newVerb(program, 'delete', 'Delete resources by file names, stdin, resources and names, or by resources and label selector')
    .argument('[resources...]', 'TYPE[,TYPE...] [NAME...] | TYPE/NAME ...')
    .option('-f, --filename <file>', 'files identifying the resources to delete', collect, [])
    .option('-R, --recursive', 'process directories given with -f recursively')
    .option('-l, --selector <selector>', 'delete the objects matching this label selector')
    .option('--field-selector <selector>', 'delete the objects matching this field selector')
    .option('--all', 'delete every object of the given types in the namespace')
    .option('-A, --all-namespaces', 'with --all or -l: across all namespaces')
    .option('--cascade [strategy]', 'background, foreground or orphan: what happens to dependents', 'background')
    .option('--grace-period <seconds>', 'seconds the object gets to terminate; -1 uses its default', intFlag('grace-period'), -1)
    .option('--now', 'signal the object to stop at once (--grace-period=1)')
    .option('--force', 'with --grace-period=0: remove at once without waiting for the kubelet')
    .option('--wait [bool]', 'wait until the objects are gone', boolFlag, true)
    .option('--timeout <duration>', 'how long to wait (0: as long as it takes)', '0s')
    .option('--ignore-not-found', 'do not fail on objects that do not exist')
    .option('-o, --output <format>', 'name: print only kind/name')
    .addHelpText('after', `
Examples:
  kubelite delete pod web-0
  kubelite delete deploy/web svc/web
  kubelite delete -f manifests/
  kubelite delete pods -l app=web
  kubelite delete pods --all --wait=false
  kubelite delete deploy web --cascade=orphan`)
    .action(verbAction(async (ctx, args, opts) => runDelete(ctx, args, opts as unknown as DeleteFlags)));
}

export function propagationOf(cascade: string | boolean): DeleteOptions['propagationPolicy'] {
  switch (String(cascade)) {
    case 'true':
    case 'background':
      return 'Background';
    case 'foreground':
      return 'Foreground';
    case 'false':
    case 'orphan':
      return 'Orphan';
    default:
      throw new CliError(`invalid cascade value (${cascade}). Must be "background", "foreground", or "orphan".`);
  }
}

interface Target {
  info: ResourceInfo;
  ns: string | undefined;
  name: string;
}

async function runDelete(ctx: CliContext, args: string[], f: DeleteFlags): Promise<void> {
  const targets: Target[] = [];
  const errors: string[] = [];
  let gracePeriod = f.gracePeriod;
  if (f.now) gracePeriod = 1;
  if (f.force && gracePeriod < 0) gracePeriod = 0;
  if (gracePeriod === 0 && !f.force) gracePeriod = 1;
  if (f.force && gracePeriod === 0) err('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n');
  const body: DeleteOptions = { propagationPolicy: propagationOf(f.cascade) };
  if (gracePeriod >= 0) body.gracePeriodSeconds = gracePeriod;

  if (f.filename.length) {
    if (args.length) throw new CliError('resources and -f cannot both be given');
    for (const m of await readManifests(f.filename, !!f.recursive, 'delete')) {
      const info = infoForObject(m.obj, m.source);
      targets.push({ info, ns: nsFor(info, m.obj.metadata.namespace ?? ctx.namespace), name: m.obj.metadata.name ?? '' });
    }
  } else {
    if (args.length === 0) throw new CliError('You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   \'-f rsrc.yaml\'\n   \'--filename=rsrc.json\'\n   \'<resource> <name>\'\n   \'<resource>\'');
    const requests = parseResourceArgs(args);
    const bySelector = f.all || f.selector || f.fieldSelector;
    for (const r of requests) {
      if (r.names.length > 0) {
        if (bySelector) throw new CliError('name cannot be provided when a selector is specified');
        for (const name of r.names) targets.push({ info: r.info, ns: nsFor(r.info, ctx.namespace), name });
        continue;
      }
      if (!bySelector) throw new CliError(`resource(s) were provided, but no name was specified`);
      const ns = f.allNamespaces ? undefined : ctx.namespace;
      const list = await listObjects(ctx.client, r.info, ns, { labelSelector: f.selector, fieldSelector: f.fieldSelector });
      for (const o of list.items) targets.push({ info: r.info, ns: nsFor(r.info, o.metadata.namespace), name: o.metadata.name ?? '' });
    }
    if (targets.length === 0 && bySelector) {
      err(f.allNamespaces || !requests.some((r) => r.info.namespaced) ? 'No resources found\n' : `No resources found in ${ctx.namespace} namespace.\n`);
      return;
    }
  }

  const deleted: Array<Target & { uid?: string }> = [];
  for (const t of targets) {
    try {
      const res = await ctx.client.delete(t.info, t.ns, t.name, body);
      const uid = (res as KubeObject).metadata?.uid ?? (res as { details?: { uid?: string } }).details?.uid;
      deleted.push({ ...t, uid });
      if (f.output === 'name') out(`${kindPrefix(t.info.kind, t.info.group)}/${t.name}\n`);
      else out(`${kindPrefix(t.info.kind, t.info.group)} "${t.name}" deleted\n`);
    } catch (e) {
      if (f.ignoreNotFound && isNotFound(e)) continue;
      if (!isApiError(e)) throw e;
      errors.push(formatError(e));
    }
  }
  if (f.wait && deleted.length) {
    const timeoutMs = parseDuration(f.timeout, 'timeout');
    const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : undefined;
    for (const d of deleted) {
      const gone = await waitGone(ctx.client, d.info, d.ns, d.name, d.uid, deadline);
      if (!gone) {
        errors.push(`error: timed out waiting for the condition on ${kindPrefix(d.info.kind, d.info.group)}/${d.name}`);
        break;
      }
    }
  }
  if (errors.length) {
    err(errors.map((e) => `${e}\n`).join(''));
    throw new ExitCode(1);
  }
}

/**
 * Waits for an object to disappear (or to be replaced by one with another uid):
 * a watch on its name, re-checked with a GET whenever the watch ends.
 */
export async function waitGone(client: RestClient, info: ResourceInfo, ns: string | undefined, name: string, uid: string | undefined, deadline?: number): Promise<boolean> {
  for (;;) {
    if (deadline !== undefined && Date.now() >= deadline) return false;
    let rv: string | undefined;
    try {
      const list = await listObjects(client, info, ns, { fieldSelector: `metadata.name=${name}` });
      const obj = list.items[0];
      if (!obj || (uid && obj.metadata.uid !== uid)) return true;
      rv = list.metadata.resourceVersion;
    } catch (e) {
      if (isNotFound(e)) return true;
      throw e;
    }
    const ac = new AbortController();
    const timer = deadline !== undefined ? setTimeout(() => ac.abort(), Math.max(0, deadline - Date.now())) : undefined;
    try {
      for await (const ev of watchObjects(client, info, ns, { fieldSelector: `metadata.name=${name}`, resourceVersion: rv, signal: ac.signal })) {
        if (ev.type === 'DELETED') return true;
      }
    } catch (e) {
      if (!isApiError(e)) throw e;
      // 410 and friends: relist
    } finally {
      clearTimeout(timer);
    }
  }
}
