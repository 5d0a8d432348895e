// The pure parts of `kubelite image load`: which image references and nodes a
// command line means, and the lines it prints.
import { CliError } from './errors.js';

/** `busybox` → `busybox:latest`, as Docker resolves it; a tag stays. Digests cannot be copied by name. */
export function normalizeImageRef(ref: string): string {
  const r = ref.trim();
  if (r.includes('@')) throw new CliError(`image "${ref}": a digest reference cannot be loaded; name it by tag`);
  if (!r || /\s/.test(r) || !/^[a-z0-9][a-z0-9._\-/:]*$/i.test(r)) throw new CliError(`invalid image reference "${ref}"`);
  const lastSlash = r.lastIndexOf('/');
  return r.slice(lastSlash + 1).includes(':') ? r : `${r}:latest`;
}

/** Normalized, without repeats, in the order given. */
export function imageRefs(args: string[]): string[] {
  if (args.length === 0) throw new CliError('at least one image name is required (kubelite image load IMAGE [IMAGE...])');
  return [...new Set(args.map(normalizeImageRef))];
}

/** The nodes to load onto: the requested ones (each must exist), else every node. */
export function selectNodes(requested: string[] | undefined, known: string[]): string[] {
  const wanted = [...new Set((requested ?? []).map((n) => n.trim()).filter((n) => n !== '').map((n) => n.replace(/^nodes?\//, '')))];
  if (wanted.length === 0) {
    if (known.length === 0) throw new CliError('no nodes found in the cluster');
    return [...known].sort();
  }
  const have = new Set(known);
  const missing = wanted.filter((n) => !have.has(n));
  if (missing.length) {
    const list = [...known].sort();
    const shown = list.length > 10 ? `${list.slice(0, 10).join(', ')}, ...` : list.join(', ');
    throw new CliError(`${missing.length === 1 ? 'node' : 'nodes'} ${missing.map((n) => `"${n}"`).join(', ')} not found (nodes: ${shown || 'none'})`);
  }
  return wanted;
}

/** Decimal units with three significant digits, as `docker images` shows sizes. */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 999.5 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? String(Math.round(v)) : Number(v.toPrecision(3)).toString()} ${units[i]}`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export type LoadOutcome =
  | { kind: 'loaded'; image: string; node: string; bytes: number; ms: number }
  | { kind: 'present'; image: string; node: string }
  | { kind: 'failed'; image: string; node: string; message: string };

/** The one line for an image on a node; failures go to stderr. */
export function outcomeLine(o: LoadOutcome): { stream: 'stdout' | 'stderr'; text: string } {
  switch (o.kind) {
    case 'loaded':
      return { stream: 'stdout', text: `image ${o.image} loaded on ${o.node} (${humanSize(o.bytes)}, ${seconds(o.ms)})` };
    case 'present':
      return { stream: 'stdout', text: `image ${o.image} already present on ${o.node} (same ID)` };
    case 'failed':
      return { stream: 'stderr', text: `error: image ${o.image} not loaded on ${o.node}: ${o.message.replace(/\s*\n\s*/g, ' ')}` };
  }
}

export interface LocalImage {
  name: string;
  id: string;
}

/** What a node said about the images before any upload: name → ID ("" absent), or why it could not say. */
export type NodeImages = { ids: ReadonlyMap<string, string> } | { error: string };

/**
 * Per image: the nodes that still need it, and the lines already decided (the node
 * has the same ID, or could not be asked). An image no node needs is not saved at all.
 */
export function planLoads(images: LocalImage[], nodes: string[], status: ReadonlyMap<string, NodeImages>): Array<{ image: LocalImage; decided: LoadOutcome[]; load: string[] }> {
  return images.map((image) => {
    const decided: LoadOutcome[] = [];
    const load: string[] = [];
    for (const node of nodes) {
      const st = status.get(node);
      if (st && 'error' in st) decided.push({ kind: 'failed', image: image.name, node, message: st.error });
      else if (st && st.ids.get(image.name) === image.id) decided.push({ kind: 'present', image: image.name, node });
      else load.push(node);
    }
    return { image, decided, load };
  });
}
