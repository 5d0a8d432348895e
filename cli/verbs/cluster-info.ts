// `kubelite cluster-info`, `kubelite version` and `kubelite api-resources`.
import type { Command } from 'commander';
import { newVerb, verbAction, out, type CliContext } from './context.js';
import { CliError } from './errors.js';
import { listObjects } from './fetch.js';
import { toJson, toYaml } from './output.js';
import { resolveType } from './resources.js';
import { formatRows } from './tabwriter.js';

export const CLIENT_VERSION = {
  major: '0',
  minor: '1',
  gitVersion: 'v0.1.0-kubelite',
  compiler: 'kubelite',
  goVersion: `node${process.version}`,
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

/** The lines of `cluster-info`: the control plane, then every cluster service. */
export function clusterInfoText(server: string, services: Array<{ name: string; namespace: string; label?: string; ports: Array<{ name?: string; port: number }>; ingress?: string }>): string {
  const lines = [`Kubernetes control plane is running at ${server}`];
  for (const s of services) {
    const name = s.label ?? s.name;
    let link: string;
    if (s.ingress) {
      link = `http://${s.ingress}${s.ports[0] ? `:${s.ports[0].port}` : ''}`;
    } else {
      const p = s.ports[0];
      const svcName = p?.name ? `${s.name}:${p.name}` : s.name;
      link = `${server.replace(/\/$/, '')}/api/v1/namespaces/${s.namespace}/services/${svcName}/proxy`;
    }
    lines.push(`${name} is running at ${link}`);
  }
  return `${lines.join('\n')}\n\nTo further debug and diagnose cluster problems, use 'kubelite cluster-info dump'.\n`;
}

interface APIResource {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
}

export interface ResourceRow {
  group: string;
  version: string;
  resource: APIResource;
}

/** api-resources rows: core first, then by group, then by name, like kubectl. */
export function apiResourceRows(rows: ResourceRow[], opts: { wide?: boolean; noHeaders?: boolean }): string[][] {
  const sorted = [...rows].sort((a, b) => (a.group === b.group ? a.resource.name.localeCompare(b.resource.name) : a.group.localeCompare(b.group)));
  const header = ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', ...(opts.wide ? ['VERBS', 'CATEGORIES'] : [])];
  const body = sorted.map((r) => {
    const cells = [
      r.resource.name,
      (r.resource.shortNames ?? []).join(','),
      r.group ? `${r.group}/${r.version}` : r.version,
      String(r.resource.namespaced),
      r.resource.kind,
    ];
    if (opts.wide) cells.push([...(r.resource.verbs ?? [])].sort().join(','), (r.resource.categories ?? []).join(','));
    return cells;
  });
  return opts.noHeaders ? body : [header, ...body];
}

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

interface DiscoveryGroup {
  metadata: { name?: string };
  versions: Array<{
    version: string;
    resources?: Array<{
      resource: string;
      responseKind?: { kind: string };
      scope?: string;
      verbs?: string[];
      shortNames?: string[];
      categories?: string[];
      singularResource?: string;
    }>;
  }>;
}

/** Every resource the server serves, from aggregated discovery (it includes metrics.k8s.io). */
async function discover(ctx: CliContext): Promise<ResourceRow[]> {
  const rows: ResourceRow[] = [];
  for (const path of ['/api', '/apis']) {
    const doc = await ctx.client.request<{ kind?: string; items?: DiscoveryGroup[] }>({ method: 'GET', path, accept: AGGREGATED });
    for (const g of doc.items ?? []) {
      const v = g.versions[0];
      if (!v) continue;
      for (const r of v.resources ?? []) {
        rows.push({
          group: g.metadata.name ?? '',
          version: v.version,
          resource: {
            name: r.resource, singularName: r.singularResource, namespaced: r.scope === 'Namespaced', kind: r.responseKind?.kind ?? '',
            verbs: r.verbs, shortNames: r.shortNames, categories: r.categories,
          },
        });
      }
    }
  }
  return rows;
}

export function registerClusterInfo(program: Command): void {
  newVerb(program, 'cluster-info', 'Display cluster information')
    .addHelpText('after', `
Examples:
  kubelite cluster-info`)
    .action(verbAction(async (ctx) => {
      const list = await listObjects(ctx.client, resolveType('services'), 'kube-system', { labelSelector: 'kubernetes.io/cluster-service=true' });
      const services = list.items.map((s) => {
        const spec = (s.spec ?? {}) as { ports?: Array<{ name?: string; port: number }> };
        const ingress = ((s.status as { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } } | undefined)?.loadBalancer?.ingress ?? [])[0];
        return {
          name: s.metadata.name ?? '', namespace: 'kube-system', label: s.metadata.labels?.['kubernetes.io/name'],
          ports: spec.ports ?? [], ingress: ingress?.ip || ingress?.hostname,
        };
      });
      out(clusterInfoText(ctx.config.server, services));
    }));

  newVerb(program, 'version', 'Print the client and server version information')
    .option('--client', 'only the client version (no server needed)')
    .option('-o, --output <format>', 'yaml or json')
    .addHelpText('after', `
Examples:
  kubelite version
  kubelite version --client -o json`)
    .action(verbAction(async (ctx, _args, opts) => {
      const f = opts as { client?: boolean; output?: string };
      if (f.output && f.output !== 'yaml' && f.output !== 'json') throw new CliError(`--output must be 'yaml' or 'json'`);
      let server: Record<string, unknown> | undefined;
      if (!f.client) server = await ctx.client.request<Record<string, unknown>>({ method: 'GET', path: '/version' });
      const doc: Record<string, unknown> = { clientVersion: CLIENT_VERSION };
      if (server) doc.serverVersion = server;
      if (f.output === 'json') out(toJson(doc));
      else if (f.output === 'yaml') out(toYaml(doc));
      else out(`Client Version: ${CLIENT_VERSION.gitVersion}\n${server ? `Server Version: ${String(server.gitVersion)}\n` : ''}`);
    }));

  newVerb(program, 'api-resources', 'Print the supported API resources on the server')
    .option('--api-group <group>', 'only resources of this API group ("" for the core group)')
    .option('--namespaced [bool]', 'true: namespaced resources only; false: cluster-scoped only')
    .option('--verbs <verbs>', 'only resources supporting these verbs (comma-separated)')
    .option('-o, --output <format>', 'wide or name')
    .option('--no-headers', "don't print headers")
    .addHelpText('after', `
Examples:
  kubelite api-resources
  kubelite api-resources --namespaced=false
  kubelite api-resources --api-group=apps -o wide`)
    .action(verbAction(async (ctx, _args, opts) => {
      const f = opts as { apiGroup?: string; namespaced?: string | boolean; verbs?: string; output?: string; headers?: boolean };
      const rows = await discover(ctx);
      const wantVerbs = (f.verbs ?? '').split(',').filter((v) => v !== '');
      const filtered = rows.filter((r) => {
        if (r.resource.name.includes('/')) return false;
        if (f.apiGroup !== undefined && r.group !== f.apiGroup) return false;
        if (f.namespaced !== undefined && String(r.resource.namespaced) !== String(f.namespaced === true ? 'true' : f.namespaced)) return false;
        return wantVerbs.every((v) => r.resource.verbs?.includes(v));
      });
      if (f.output === 'name') {
        out(apiResourceRows(filtered, { noHeaders: true }).map((r) => `${r[0]}${r[2].includes('/') ? `.${r[2].split('/')[0]}` : ''}\n`).join(''));
        return;
      }
      out(formatRows(apiResourceRows(filtered, { wide: f.output === 'wide', noHeaders: f.headers === false })));
    }));
}
