// `-f`: files, directories, `-` (stdin) and URLs holding YAML or JSON, several
// documents per file and `kind: List` flattened, in the order given.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../api/meta.js';
import { CliError } from './errors.js';

export interface Manifest {
  obj: KubeObject;
  /** file the object came from, for messages */
  source: string;
}

const EXTENSIONS = ['.yaml', '.yml', '.json'];

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function filesOf(path: string, recursive: boolean): Promise<string[]> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new CliError(`the path "${path}" does not exist`);
  }
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) {
      if (recursive) out.push(...(await filesOf(full, true)));
    } else if (EXTENSIONS.some((e) => entry.name.endsWith(e))) {
      out.push(full);
    }
  }
  return out;
}

/** Objects in a text: every YAML document, Lists unpacked. */
export function parseManifestText(text: string, source: string): Manifest[] {
  const out: Manifest[] = [];
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch (e) {
    throw new CliError(`error parsing ${source}: ${(e as Error).message}`);
  }
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    if (doc.errors.length) throw new CliError(`error parsing ${source}: ${doc.errors[0].message.split('\n')[0]}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new CliError(`error validating "${source}": error validating data: invalid object: expected a mapping`);
    }
    const obj = value as KubeObject;
    if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
      for (const item of obj.items as KubeObject[]) out.push({ obj: normalize(item, source), source });
      continue;
    }
    out.push({ obj: normalize(obj, source), source });
  }
  return out;
}

function normalize(obj: KubeObject, source: string): KubeObject {
  const missing: string[] = [];
  if (!obj.apiVersion) missing.push('apiVersion not set');
  if (!obj.kind) missing.push('kind not set');
  if (missing.length) throw new CliError(`error validating "${source}": error validating data: [${missing.join(', ')}]; if you choose to ignore these errors, turn validation off with --validate=false`);
  if (!obj.metadata || typeof obj.metadata !== 'object') obj.metadata = {};
  return obj;
}

export async function readManifests(paths: string[], recursive = false, verb = 'apply'): Promise<Manifest[]> {
  const out: Manifest[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push(...parseManifestText(await readStdin(), 'STDIN'));
      continue;
    }
    if (/^https?:\/\//.test(p)) {
      const res = await fetch(p);
      if (!res.ok) throw new CliError(`unable to read URL "${p}", server reported ${res.status} ${res.statusText}, status code=${res.status}`);
      out.push(...parseManifestText(await res.text(), p));
      continue;
    }
    for (const file of await filesOf(p, recursive)) {
      out.push(...parseManifestText(await readFile(file, 'utf8'), file));
    }
  }
  if (out.length === 0) throw new CliError(`no objects passed to ${verb}`);
  return out;
}
