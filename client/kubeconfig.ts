// Reads and writes kubeconfig files in kubectl's format, so one file works for
// both kubectl and kubelite components.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

export interface ClientConfig {
  /** e.g. `https://10.0.0.1:6443` */
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  insecureSkipTLSVerify?: boolean;
  tlsServerName?: string;
  /** the context's namespace, `default` when unset */
  namespace: string;
}

export interface LoadKubeconfigOptions {
  /** explicit file (`--kubeconfig`); beats `KUBECONFIG` and `~/.kube/config` */
  path?: string;
  /** context to use instead of `current-context` (`--context`) */
  context?: string;
  /** environment to read `KUBECONFIG`/`HOME` from; defaults to process.env */
  env?: NodeJS.ProcessEnv;
}

type Dict = Record<string, unknown>;

interface NamedEntry {
  name: string;
  body: Dict;
  /** directory of the file that defined the entry: relative paths resolve against it */
  dir: string;
}

interface MergedConfig {
  /** what error messages call the config: one path, or the KUBECONFIG list */
  label: string;
  currentContext?: string;
  clusters: Map<string, NamedEntry>;
  users: Map<string, NamedEntry>;
  contexts: Map<string, NamedEntry>;
}

export function loadKubeconfig(opts: LoadKubeconfigOptions = {}): ClientConfig {
  const merged = readMerged(kubeconfigPaths(opts), opts.path !== undefined);
  const fail = (msg: string): never => {
    throw new Error(`kubeconfig ${merged.label}: ${msg}`);
  };

  const contextName = opts.context ?? merged.currentContext;
  if (!contextName) fail('no current-context set and no context given');
  const context = merged.contexts.get(contextName as string) ?? fail(`context "${contextName}" not found`);
  const clusterName = str(context.body.cluster);
  if (!clusterName) fail(`context "${contextName}" has no cluster`);
  const cluster = merged.clusters.get(clusterName as string) ?? fail(`cluster "${clusterName}" not found`);
  const userName = str(context.body.user);
  // A context without a user is legal (anonymous access, or token from elsewhere).
  const user: NamedEntry | undefined = userName
    ? merged.users.get(userName) ?? fail(`user "${userName}" not found`)
    : undefined;

  const server = str(cluster.body.server);
  if (!server) fail(`cluster "${clusterName}" has no server`);

  const readData = (entry: NamedEntry, field: string): Buffer | undefined => {
    const data = str(entry.body[`${field}-data`]);
    if (data) return Buffer.from(data, 'base64');
    const file = str(entry.body[field]);
    if (!file) return undefined;
    const full = isAbsolute(file) ? file : resolve(entry.dir, file);
    try {
      return readFileSync(full);
    } catch (e) {
      return fail(`reading ${field} ${full}: ${(e as Error).message}`);
    }
  };

  const cfg: ClientConfig = { server: server as string, namespace: str(context.body.namespace) || 'default' };
  const ca = readData(cluster, 'certificate-authority');
  if (ca) cfg.ca = ca;
  if (cluster.body['insecure-skip-tls-verify'] === true) cfg.insecureSkipTLSVerify = true;
  const tlsServerName = str(cluster.body['tls-server-name']);
  if (tlsServerName) cfg.tlsServerName = tlsServerName;

  if (user) {
    const cert = readData(user, 'client-certificate');
    const key = readData(user, 'client-key');
    if (cert && !key) fail(`user "${userName}" has a client certificate but no client key`);
    if (key && !cert) fail(`user "${userName}" has a client key but no client certificate`);
    if (cert) cfg.cert = cert;
    if (key) cfg.key = key;
    let token = str(user.body.token);
    const tokenFile = str(user.body.tokenFile);
    if (!token && tokenFile) {
      const full = isAbsolute(tokenFile) ? tokenFile : resolve(user.dir, tokenFile);
      try {
        token = readFileSync(full, 'utf8').trim();
      } catch (e) {
        fail(`reading tokenFile ${full}: ${(e as Error).message}`);
      }
    }
    if (token) cfg.token = token;
  }
  return cfg;
}

/** Files to read, in priority order, with kubectl's precedence. */
function kubeconfigPaths(opts: LoadKubeconfigOptions): string[] {
  if (opts.path !== undefined) return [opts.path];
  const env = opts.env ?? process.env;
  const list = (env.KUBECONFIG ?? '').split(':').filter((p) => p !== '');
  if (list.length > 0) return list;
  return [join(env.HOME || homedir(), '.kube', 'config')];
}

function readMerged(paths: string[], explicit: boolean): MergedConfig {
  const merged: MergedConfig = {
    label: paths.join(':'),
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
  };
  let found = 0;
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      // kubectl skips missing files in a KUBECONFIG list but not an explicit --kubeconfig.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && (!explicit || paths.length > 1)) continue;
      throw new Error(`kubeconfig ${path}: ${(e as Error).message}`);
    }
    found++;
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (e) {
      throw new Error(`kubeconfig ${path}: invalid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    if (doc === null || doc === undefined) continue;
    if (!isDict(doc)) throw new Error(`kubeconfig ${path}: not a kubeconfig (expected a mapping)`);
    const dir = dirname(resolve(path));
    // First file to define a key wins, as in kubectl's merge.
    const cc = str(doc['current-context']);
    if (cc && merged.currentContext === undefined) merged.currentContext = cc;
    addNamed(merged.clusters, doc.clusters, 'cluster', dir, path);
    addNamed(merged.users, doc.users, 'user', dir, path);
    addNamed(merged.contexts, doc.contexts, 'context', dir, path);
  }
  if (found === 0) throw new Error(`kubeconfig ${merged.label}: no such file`);
  return merged;
}

function addNamed(into: Map<string, NamedEntry>, list: unknown, field: string, dir: string, path: string): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) throw new Error(`kubeconfig ${path}: ${field}s must be a list`);
  for (const item of list) {
    if (!isDict(item) || !str(item.name)) throw new Error(`kubeconfig ${path}: ${field} entry without a name`);
    const name = str(item.name) as string;
    if (into.has(name)) continue;
    const body = item[field];
    into.set(name, { name, body: isDict(body) ? body : {}, dir });
  }
}

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

// ---- writing ----

export interface BuildKubeconfigOptions {
  clusterName: string;
  server: string;
  /** PEM of the cluster CA */
  caData?: Buffer | string;
  user: {
    /** defaults to the context name */
    name?: string;
    certData?: Buffer | string;
    keyData?: Buffer | string;
    token?: string;
  };
  contextName: string;
  namespace?: string;
}

function b64(v: Buffer | string): string {
  return (typeof v === 'string' ? Buffer.from(v) : v).toString('base64');
}

/** A self-contained kubeconfig (all credentials inline) with `contextName` current. */
export function buildKubeconfig(o: BuildKubeconfigOptions): string {
  const cluster: Dict = { server: o.server };
  if (o.caData !== undefined) cluster['certificate-authority-data'] = b64(o.caData);
  const user: Dict = {};
  if (o.user.certData !== undefined) user['client-certificate-data'] = b64(o.user.certData);
  if (o.user.keyData !== undefined) user['client-key-data'] = b64(o.user.keyData);
  if (o.user.token !== undefined) user.token = o.user.token;
  const userName = o.user.name ?? o.contextName;
  const context: Dict = { cluster: o.clusterName, user: userName };
  if (o.namespace) context.namespace = o.namespace;
  return stringifyYaml({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: o.clusterName, cluster }],
    users: [{ name: userName, user }],
    contexts: [{ name: o.contextName, context }],
    'current-context': o.contextName,
  });
}

/**
 * Folds `newText` into `existingText`: entries of the new file replace same-named
 * ones (re-running `kubelite up` refreshes credentials), everything else is kept.
 */
export function mergeKubeconfig(
  existingText: string | undefined,
  newText: string,
  opts: { setCurrentContext: boolean },
): string {
  const parseDoc = (text: string, what: string): Dict => {
    const doc: unknown = parseYaml(text);
    if (doc === null || doc === undefined) return {};
    if (!isDict(doc)) throw new Error(`kubeconfig (${what}): not a kubeconfig (expected a mapping)`);
    return doc;
  };
  const base = existingText === undefined ? {} : parseDoc(existingText, 'existing');
  const incoming = parseDoc(newText, 'new');
  const out: Dict = { ...base, apiVersion: base.apiVersion ?? 'v1', kind: base.kind ?? 'Config' };
  for (const field of ['clusters', 'users', 'contexts']) {
    const existing = Array.isArray(base[field]) ? (base[field] as unknown[]) : [];
    const added = Array.isArray(incoming[field]) ? (incoming[field] as unknown[]) : [];
    const addedNames = new Set(added.filter(isDict).map((e) => e.name));
    out[field] = [...existing.filter((e) => !(isDict(e) && addedNames.has(e.name))), ...added];
  }
  const incomingCurrent = str(incoming['current-context']);
  if (incomingCurrent && (opts.setCurrentContext || !str(base['current-context']))) {
    out['current-context'] = incomingCurrent;
  }
  return stringifyYaml(out);
}
