// The cluster's entry in the user's kubeconfig (~/.kube/config): added by `up`
// (and made current, so plain `kubectl get nodes` works), removed by `down --purge`.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { mergeKubeconfig } from '../../client/kubeconfig.js';

export interface EntryNames {
  cluster: string;
  user: string;
  context: string;
}

export function entryNames(context: string): EntryNames {
  return { cluster: context, user: `${context}-admin`, context };
}

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseDoc(text: string | undefined, what: string): Dict {
  if (text === undefined) return {};
  const doc: unknown = parseYaml(text);
  if (doc === null || doc === undefined) return {};
  if (!isDict(doc)) throw new Error(`${what}: not a kubeconfig (expected a mapping)`);
  return doc;
}

function only(doc: Dict, field: string, what: string): Dict {
  const list = doc[field];
  if (!Array.isArray(list) || list.length !== 1 || !isDict(list[0])) throw new Error(`${what}: expected exactly one entry in ${field}`);
  return list[0];
}

/** The apiserver's one-context admin kubeconfig with its entries renamed for this cluster. */
export function renameEntries(adminText: string, names: EntryNames): string {
  const doc = parseDoc(adminText, 'admin kubeconfig');
  const cluster = only(doc, 'clusters', 'admin kubeconfig').cluster;
  const user = only(doc, 'users', 'admin kubeconfig').user;
  const context = only(doc, 'contexts', 'admin kubeconfig').context;
  return stringifyYaml({
    apiVersion: 'v1', kind: 'Config', preferences: {},
    clusters: [{ name: names.cluster, cluster }],
    users: [{ name: names.user, user }],
    contexts: [{ name: names.context, context: { ...(isDict(context) ? context : {}), cluster: names.cluster, user: names.user } }],
    'current-context': names.context,
  });
}

/** Removes the cluster's entries; current-context is unset when it named this cluster. */
export function removeEntries(existingText: string, names: EntryNames): string {
  const doc = parseDoc(existingText, 'kubeconfig');
  const drop = (field: string, name: string) => {
    if (Array.isArray(doc[field])) doc[field] = (doc[field] as unknown[]).filter((e) => !(isDict(e) && e.name === name));
  };
  drop('clusters', names.cluster);
  drop('users', names.user);
  drop('contexts', names.context);
  if (doc['current-context'] === names.context) doc['current-context'] = '';
  return stringifyYaml(doc);
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function writeKubeconfig(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(`${path}.kubelite-tmp`, text, { mode: 0o600 });
  await rename(`${path}.kubelite-tmp`, path);
}

export async function mergeIntoKubeconfig(path: string, adminKubeconfigPath: string, names: EntryNames): Promise<void> {
  const incoming = renameEntries(await readFile(adminKubeconfigPath, 'utf8'), names);
  const merged = mergeKubeconfig(await readOptional(path), incoming, { setCurrentContext: true });
  await writeKubeconfig(path, merged);
}

/** True when something was removed. */
export async function removeFromKubeconfig(path: string, names: EntryNames): Promise<boolean> {
  const text = await readOptional(path);
  if (text === undefined) return false;
  const out = removeEntries(text, names);
  if (out === stringifyYaml(parseDoc(text, 'kubeconfig'))) return false;
  await writeKubeconfig(path, out);
  return true;
}
