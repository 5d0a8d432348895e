// `kubelite config view|get-contexts|current-context|use-context|set-context|
// get-clusters|get-users`: reading and editing kubeconfig files like kubectl.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { addGlobalFlags, verbAction, withExamples, out } from './context.js';
import { CliError } from './errors.js';
import { toYaml } from './output.js';
import { formatRows } from './tabwriter.js';
import { jsonpath } from './jsonpath.js';

type Dict = Record<string, unknown>;

interface Named {
  name: string;
  [field: string]: unknown;
}

export interface KubeconfigDoc {
  apiVersion: string;
  kind: string;
  clusters: Named[];
  contexts: Named[];
  users: Named[];
  'current-context': string;
  preferences: Dict;
}

export function kubeconfigFiles(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  if (explicit) return [explicit];
  const list = (env.KUBECONFIG ?? '').split(':').filter((p) => p !== '');
  return list.length ? list : [join(env.HOME || homedir(), '.kube', 'config')];
}

function readDoc(path: string): Dict {
  if (!existsSync(path)) return {};
  const v: unknown = parseYaml(readFileSync(path, 'utf8'));
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Dict) : {};
}

/** kubectl's merge: the first file to define a name (or current-context) wins. */
export function mergeDocs(docs: Dict[]): KubeconfigDoc {
  const merged: KubeconfigDoc = { apiVersion: 'v1', kind: 'Config', clusters: [], contexts: [], users: [], 'current-context': '', preferences: {} };
  for (const d of docs) {
    if (!merged['current-context'] && typeof d['current-context'] === 'string') merged['current-context'] = d['current-context'];
    for (const field of ['clusters', 'contexts', 'users'] as const) {
      for (const e of (Array.isArray(d[field]) ? d[field] : []) as Named[]) {
        if (e && typeof e.name === 'string' && !merged[field].some((x) => x.name === e.name)) merged[field].push(e);
      }
    }
  }
  return merged;
}

/** Secrets replaced the way `kubectl config view` hides them without --raw. */
export function redact(doc: KubeconfigDoc): KubeconfigDoc {
  const copy = JSON.parse(JSON.stringify(doc)) as KubeconfigDoc;
  for (const c of copy.clusters) {
    const cl = c.cluster as Dict | undefined;
    if (cl?.['certificate-authority-data']) cl['certificate-authority-data'] = 'DATA+OMITTED';
  }
  for (const u of copy.users) {
    const us = u.user as Dict | undefined;
    if (!us) continue;
    for (const k of ['client-certificate-data', 'client-key-data']) if (us[k]) us[k] = 'DATA+OMITTED';
    if (us.token) us.token = 'REDACTED';
    if (us.password) us.password = 'REDACTED';
  }
  return copy;
}

/** Only what the current context uses (`--minify`). */
export function minify(doc: KubeconfigDoc, contextName?: string): KubeconfigDoc {
  const name = contextName || doc['current-context'];
  const ctx = doc.contexts.find((c) => c.name === name);
  if (!ctx) throw new CliError(name ? `cannot locate context ${name}` : 'current-context must exist in order to minify');
  const body = (ctx.context ?? {}) as Dict;
  return {
    ...doc,
    'current-context': name,
    contexts: [ctx],
    clusters: doc.clusters.filter((c) => c.name === body.cluster),
    users: doc.users.filter((u) => u.name === body.user),
  };
}

export function contextRows(doc: KubeconfigDoc, only?: string, noHeaders = false): string[][] {
  const rows = doc.contexts
    .filter((c) => !only || c.name === only)
    .map((c) => {
      const b = (c.context ?? {}) as Dict;
      return [c.name === doc['current-context'] ? '*' : '', c.name, String(b.cluster ?? ''), String(b.user ?? ''), String(b.namespace ?? '')];
    });
  return noHeaders ? rows : [['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE'], ...rows];
}

/** The file a change goes to: --kubeconfig, else the first file that has the field, else the first file. */
function targetFile(files: string[], field?: string): string {
  if (files.length === 1 || !field) return files[0];
  for (const f of files) if (readDoc(f)[field] !== undefined) return f;
  return files[0];
}

function writeDoc(path: string, doc: Dict): void {
  writeFileSync(path, toYaml(doc), { mode: 0o600 });
}

function sub(parent: Command, nameAndArgs: string, description: string): Command {
  return addGlobalFlags(parent.command(nameAndArgs).description(description));
}

export function registerConfig(program: Command): void {
  const config = program.command('config').description('Modify kubeconfig files')
    .addHelpText('after', `
Examples:
  kubelite config view --minify
  kubelite config get-contexts
  kubelite config use-context admin@kubelite
  kubelite config set-context --current --namespace=team-a`);

  const load = (opts: Record<string, unknown>) => {
    const files = kubeconfigFiles(opts.kubeconfig as string | undefined);
    return { files, doc: mergeDocs(files.map(readDoc)) };
  };

  withExamples(sub(config, 'view', 'Display merged kubeconfig settings or a specified kubeconfig file'), 'kubelite config view', 'kubelite config view --minify --raw', "kubelite config view -o jsonpath='{.users[*].name}'")
    .option('--minify', 'only the settings the current context uses')
    .option('--raw', 'show certificates and tokens')
    .option('--flatten', 'inline referenced files (implies --raw)')
    .option('-o, --output <format>', 'yaml, json or jsonpath=...', 'yaml')
    .action(verbAction(async (_ctx, _args, opts) => {
      const f = opts as { minify?: boolean; raw?: boolean; flatten?: boolean; output: string; context?: string };
      let { doc } = load(opts);
      if (f.minify) doc = minify(doc, f.context);
      if (f.flatten) doc = flatten(doc);
      if (!f.raw && !f.flatten) doc = redact(doc);
      if (f.output === 'json') out(`${JSON.stringify(structOrder(doc), null, 4)}\n`);
      else if (f.output.startsWith('jsonpath=')) out(jsonpath(f.output.slice('jsonpath='.length), doc));
      else out(toYaml(doc));
    }));

  withExamples(sub(config, 'get-contexts', 'Describe one or many contexts'), 'kubelite config get-contexts', 'kubelite config get-contexts -o name')
    .argument('[name]', 'only this context')
    .option('--no-headers', "don't print headers")
    .option('-o, --output <format>', 'name: only the names')
    .action(verbAction(async (_ctx, args, opts) => {
      const f = opts as { headers?: boolean; output?: string };
      const { doc } = load(opts);
      if (args[0] && !doc.contexts.some((c) => c.name === args[0])) throw new CliError(`context ${args[0]} not found`);
      if (f.output === 'name') {
        out(doc.contexts.filter((c) => !args[0] || c.name === args[0]).map((c) => `${c.name}\n`).join(''));
        return;
      }
      out(formatRows(contextRows(doc, args[0], f.headers === false)));
    }));

  withExamples(sub(config, 'current-context', 'Display the current-context'), 'kubelite config current-context')
    .action(verbAction(async (_ctx, _args, opts) => {
      const { doc } = load(opts);
      if (!doc['current-context']) throw new CliError('current-context is not set');
      out(`${doc['current-context']}\n`);
    }));

  withExamples(sub(config, 'use-context', 'Set the current-context in a kubeconfig file'), 'kubelite config use-context admin@kubelite')
    .alias('use')
    .argument('<name>', 'context name')
    .action(verbAction(async (_ctx, args, opts) => {
      const { files, doc } = load(opts);
      if (!doc.contexts.some((c) => c.name === args[0])) throw new CliError(`no context exists with the name: ${JSON.stringify(args[0])}`);
      const file = targetFile(files, 'current-context');
      const d = readDoc(file);
      d['current-context'] = args[0];
      writeDoc(file, { apiVersion: 'v1', kind: 'Config', ...d });
      out(`Switched to context ${JSON.stringify(args[0])}.\n`);
    }));

  withExamples(sub(config, 'set-context', 'Set a context entry in kubeconfig'), 'kubelite config set-context --current --namespace=team-a', 'kubelite config set-context dev --cluster=kubelite --user=admin')
    .argument('[name]', 'context name')
    .option('--current', 'modify the current context')
    .option('--cluster <name>', 'cluster for the context')
    .option('--user <name>', 'user for the context')
    .action(verbAction(async (_ctx, args, opts) => {
      const f = opts as { current?: boolean; cluster?: string; user?: string; namespace?: string };
      const { files, doc } = load(opts);
      const name = f.current ? doc['current-context'] : args[0];
      if (!name) throw new CliError(f.current ? 'no current context is set' : 'you must specify a non-empty context name or --current');
      const file = files.find((p) => ((readDoc(p).contexts ?? []) as Named[]).some((c) => c.name === name)) ?? files[0];
      const d = readDoc(file);
      const contexts = (Array.isArray(d.contexts) ? d.contexts : []) as Named[];
      let entry = contexts.find((c) => c.name === name);
      const existed = !!entry;
      if (!entry) {
        entry = { name, context: {} };
        contexts.push(entry);
      }
      const body = (entry.context ?? (entry.context = {})) as Dict;
      if (f.cluster !== undefined) body.cluster = f.cluster;
      if (f.user !== undefined) body.user = f.user;
      if (f.namespace !== undefined) body.namespace = f.namespace;
      writeDoc(file, { apiVersion: 'v1', kind: 'Config', ...d, contexts });
      out(`Context ${JSON.stringify(name)} ${existed ? 'modified' : 'created'}.\n`);
    }));

  withExamples(sub(config, 'get-clusters', 'Display clusters defined in the kubeconfig'), 'kubelite config get-clusters')
    .action(verbAction(async (_ctx, _args, opts) => {
      out(`NAME\n${load(opts).doc.clusters.map((c) => `${c.name}\n`).join('')}`);
    }));

  withExamples(sub(config, 'get-users', 'Display users defined in the kubeconfig'), 'kubelite config get-users')
    .action(verbAction(async (_ctx, _args, opts) => {
      out(`NAME\n${load(opts).doc.users.map((u) => `${u.name}\n`).join('')}`);
    }));
}

/** Referenced certificate and key files inlined as *-data fields. */
function flatten(doc: KubeconfigDoc): KubeconfigDoc {
  const copy = JSON.parse(JSON.stringify(doc)) as KubeconfigDoc;
  const inline = (body: Dict | undefined, field: string) => {
    if (!body || typeof body[field] !== 'string') return;
    body[`${field}-data`] = readFileSync(body[field] as string).toString('base64');
    delete body[field];
  };
  for (const c of copy.clusters) inline(c.cluster as Dict, 'certificate-authority');
  for (const u of copy.users) {
    inline(u.user as Dict, 'client-certificate');
    inline(u.user as Dict, 'client-key');
  }
  return copy;
}

function ordered(body: unknown, keys: string[]): Dict {
  const src = (body ?? {}) as Dict;
  const out: Dict = {};
  for (const k of keys) if (src[k] !== undefined) out[k] = src[k];
  for (const k of Object.keys(src).sort()) if (!keys.includes(k)) out[k] = src[k];
  return out;
}

/** kubectl's JSON view follows the Go struct field order, not sorted keys. */
export function structOrder(doc: KubeconfigDoc): Dict {
  return {
    kind: doc.kind,
    apiVersion: doc.apiVersion,
    preferences: doc.preferences,
    clusters: doc.clusters.map((c) => ({ name: c.name, cluster: ordered(c.cluster, [
      'server', 'tls-server-name', 'insecure-skip-tls-verify', 'certificate-authority', 'certificate-authority-data', 'proxy-url', 'disable-compression',
    ]) })),
    users: doc.users.map((u) => ({ name: u.name, user: ordered(u.user, [
      'client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'token', 'tokenFile', 'as', 'as-uid', 'as-groups', 'username', 'password', 'exec',
    ]) })),
    contexts: doc.contexts.map((c) => ({ name: c.name, context: ordered(c.context, ['cluster', 'user', 'namespace']) })),
    'current-context': doc['current-context'],
  };
}
