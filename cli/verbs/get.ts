// `kubelite get`: server-printed Tables (like kubectl), every -o form, -w.
import type { Command } from 'commander';
import { isApiError } from '../../api/errors.js';
import type { KubeObject } from '../../api/meta.js';
import type { ResourceInfo } from '../../api/resources.js';
import { CliError, ExitCode, formatError } from './errors.js';
import { getObject, getTable, listObjects, watchObjects } from './fetch.js';
import { formatObjects, parseOutputFormat, toJson, toYaml, type OutputFormat } from './output.js';
import { withoutManagedFields } from '../../api/meta.js';
import { readManifests } from './manifests.js';
import { infoForObject, parseResourceArgs, type ResourceRequest } from './resources.js';
import { bodyRows, headerRow, kindPrefix, type ServerTable, type TableOptions } from './table.js';
import { formatRows } from './tabwriter.js';
import { newVerb, verbAction, out, err, type CliContext } from './context.js';
import { collect } from './flags.js';
import { WatchPrinter } from './watch-printer.js';

interface GetFlags {
  output?: string;
  selector?: string;
  fieldSelector?: string;
  allNamespaces?: boolean;
  showLabels?: boolean;
  labelColumns: string[];
  headers?: boolean;
  showKind?: boolean;
  watch?: boolean;
  watchOnly?: boolean;
  filename: string[];
  recursive?: boolean;
  raw?: string;
  ignoreNotFound?: boolean;
  showManagedFields?: boolean;
}

export function registerGet(program: Command): void {
  newVerb(program, 'get', 'Display one or many resources')
    .argument('[resources...]', 'TYPE[,TYPE...] [NAME...] | TYPE/NAME ...')
    .option('-o, --output <format>', 'output format: json|yaml|name|wide|jsonpath=...|custom-columns=...')
    .option('-l, --selector <selector>', 'label selector (e.g. -l key1=value1,key2=value2)')
    .option('--field-selector <selector>', 'field selector (e.g. --field-selector status.phase=Running)')
    .option('-A, --all-namespaces', 'list across all namespaces')
    .option('--show-labels', 'show all labels as the last column')
    .option('-L, --label-columns <keys>', 'a column per label key (repeatable, comma-separated)', collect, [])
    .option('--no-headers', "don't print headers")
    .option('--show-kind', 'show the resource type in the name column')
    .option('-w, --watch', 'after listing, watch for changes')
    .option('--watch-only', 'watch for changes without listing first')
    .option('-f, --filename <file>', 'files identifying the resources to get', collect, [])
    .option('-R, --recursive', 'process directories given with -f recursively')
    .option('--raw <path>', 'GET a raw URI from the server and print the body')
    .option('--ignore-not-found', 'treat "resource not found" as a successful retrieval')
    .option('--show-managed-fields', 'keep metadata.managedFields in json and yaml output')
    .addHelpText('after', `
Examples:
  kubelite get pods -o wide
  kubelite get deploy,svc -l app=web
  kubelite get pods -A --show-labels
  kubelite get deploy/web -o yaml
  kubelite get pods -o jsonpath='{.items[*].metadata.name}'
  kubelite get pods -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image
  kubelite get all
  kubelite get pods -w`)
    .action(verbAction(async (ctx, args, opts) => runGet(ctx, args, opts as unknown as GetFlags)));
}

async function runGet(ctx: CliContext, args: string[], f: GetFlags): Promise<void> {
  if (f.raw) {
    const body = await ctx.client.request<unknown>({ method: 'GET', path: f.raw });
    out(typeof body === 'string' ? body : `${JSON.stringify(body)}\n`);
    return;
  }
  const format = parseOutputFormat(f.output);
  const labelColumns = f.labelColumns.flatMap((c) => c.split(',')).filter((c) => c !== '');
  let requests: ResourceRequest[];
  let perNamespace: Map<ResourceRequest, string> | undefined;
  if (f.filename.length > 0) {
    const docs = await readManifests(f.filename, !!f.recursive);
    perNamespace = new Map();
    requests = docs.map((d) => {
      const r: ResourceRequest = { info: infoForObject(d.obj, d.source), names: [d.obj.metadata?.name ?? ''] };
      perNamespace!.set(r, d.obj.metadata?.namespace ?? ctx.namespace);
      return r;
    });
  } else {
    if (args.length === 0) {
      throw new CliError('You must specify the type of resource to get. Use "kubelite api-resources" for a complete list of supported resources.');
    }
    requests = parseResourceArgs(args);
  }
  const ns = f.allNamespaces ? undefined : ctx.namespace;
  const sel = { labelSelector: f.selector, fieldSelector: f.fieldSelector };

  if (f.watch || f.watchOnly) {
    if (requests.length !== 1) throw new CliError(`you may only specify a single resource type`);
    return watchGet(ctx, requests[0], ns, sel, format, f, labelColumns);
  }

  const errors: string[] = [];
  const multi = requests.length > 1 || !!f.showKind;
  if (format.t === 'table') {
    const blocks: string[] = [];
    let any = false;
    for (const r of requests) {
      const rns = perNamespace?.get(r) ?? ns;
      const tables: ServerTable[] = [];
      if (r.names.length === 0) {
        tables.push(await getTable(ctx.client, r.info, rns, undefined, sel));
      } else {
        for (const name of r.names) {
          try {
            tables.push(await getTable(ctx.client, r.info, rns ?? ctx.namespace, name));
          } catch (e) {
            if (f.ignoreNotFound && isApiError(e) && e.code === 404) continue;
            if (!isApiError(e)) throw e;
            errors.push(formatError(e));
          }
        }
      }
      const rows = tables.flatMap((t) => t.rows ?? []);
      if (tables.length === 0 || rows.length === 0) continue;
      any = true;
      const table: ServerTable = { ...tables[0], rows };
      const topts: TableOptions = {
        wide: format.wide,
        withNamespace: !!f.allNamespaces && r.info.namespaced,
        showLabels: !!f.showLabels,
        labelColumns,
        noHeaders: f.headers === false,
        kindPrefix: multi ? kindPrefix(r.info.kind, r.info.group) : undefined,
      };
      const rowsOut = topts.noHeaders ? bodyRows(table, topts) : [headerRow(table, topts), ...bodyRows(table, topts)];
      blocks.push(formatRows(rowsOut));
    }
    // kubectl separates kinds by a blank line only when it prints headers
    out(blocks.join(f.headers === false ? '' : '\n'));
    if (!any && errors.length === 0 && !requests.some((r) => r.names.length > 0)) {
      err(noResourcesMessage(requests, f.allNamespaces ? undefined : ctx.namespace));
    }
  } else {
    const objs: KubeObject[] = [];
    for (const r of requests) {
      const rns = perNamespace?.get(r) ?? ns;
      if (r.names.length === 0) {
        objs.push(...(await listObjects(ctx.client, r.info, rns, sel)).items);
        continue;
      }
      for (const name of r.names) {
        try {
          objs.push(await getObject(ctx.client, r.info, rns ?? ctx.namespace, name));
        } catch (e) {
          if (f.ignoreNotFound && isApiError(e) && e.code === 404) continue;
          if (!isApiError(e)) throw e;
          errors.push(formatError(e));
        }
      }
    }
    const single = requests.length === 1 && requests[0].names.length === 1;
    const shown = f.showManagedFields ? objs : objs.map(withoutManagedFields);
    if (!(single && shown.length === 0)) out(formatObjects(shown, format, single));
  }
  if (errors.length) {
    err(errors.map((e) => `${e}\n`).join(''));
    // printed already; only the exit code is left
    throw new ExitCode(1);
  }
}

function noResourcesMessage(requests: ResourceRequest[], ns: string | undefined): string {
  const namespaced = requests.some((r) => r.info.namespaced);
  return ns !== undefined && namespaced ? `No resources found in ${ns} namespace.\n` : 'No resources found\n';
}

async function watchGet(
  ctx: CliContext, r: ResourceRequest, ns: string | undefined, sel: { labelSelector?: string; fieldSelector?: string },
  format: OutputFormat, f: GetFlags, labelColumns: string[],
): Promise<void> {
  const info: ResourceInfo = r.info;
  if (r.names.length > 1) throw new CliError('watch is only supported on individual resources and resource collections, but 2 resources were found');
  const fieldSelector = r.names.length === 1
    ? [`metadata.name=${r.names[0]}`, sel.fieldSelector].filter(Boolean).join(',')
    : sel.fieldSelector;
  const wsel = { labelSelector: sel.labelSelector, fieldSelector };
  const rns = ns ?? undefined;
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  process.once('SIGTERM', () => ac.abort());
  if (format.t === 'table') {
    const table = await getTable(ctx.client, info, rns, undefined, wsel);
    const topts: TableOptions = {
      wide: format.wide,
      withNamespace: !!f.allNamespaces && info.namespaced,
      showLabels: !!f.showLabels,
      labelColumns,
      noHeaders: f.headers === false,
      kindPrefix: f.showKind ? kindPrefix(info.kind, info.group) : undefined,
    };
    const printer = new WatchPrinter();
    if (!f.watchOnly) {
      const rows = [...(topts.noHeaders ? [] : [headerRow(table, topts)]), ...bodyRows(table, topts)];
      out(printer.print(rows));
    } else if (!topts.noHeaders) {
      out(printer.print([headerRow(table, topts)]));
    }
    for await (const ev of watchObjects(ctx.client, info, rns, { ...wsel, resourceVersion: table.metadata?.resourceVersion, table: true, signal: ac.signal })) {
      if (ev.type === 'BOOKMARK') continue;
      const t = ev.object as unknown as ServerTable;
      if (!Array.isArray(t.columnDefinitions)) continue;
      out(printer.print(bodyRows({ ...t, columnDefinitions: t.columnDefinitions.length ? t.columnDefinitions : table.columnDefinitions }, topts)));
    }
    return;
  }
  const list = await listObjects(ctx.client, info, rns, wsel);
  const show = (obj: KubeObject, first: boolean) => {
    if (format.t === 'yaml') out(`${first ? '' : '---\n'}${toYaml(obj)}`);
    else if (format.t === 'json') out(toJson(obj));
    else out(formatObjects([obj], format, true));
  };
  let first = true;
  if (!f.watchOnly) {
    for (const o of list.items) {
      show(f.showManagedFields ? o : withoutManagedFields(o), first);
      first = false;
    }
  }
  for await (const ev of watchObjects(ctx.client, info, rns, { ...wsel, resourceVersion: list.metadata.resourceVersion, signal: ac.signal })) {
    if (ev.type === 'BOOKMARK') continue;
    show(f.showManagedFields ? (ev.object as KubeObject) : withoutManagedFields(ev.object as KubeObject), first);
    first = false;
  }
}
