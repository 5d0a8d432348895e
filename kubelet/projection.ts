// Files of configMap, secret, downwardAPI and projected volumes: which file gets
// which bytes and mode. Pure, so items/mode/defaultMode/optional are unit-tested;
// volumes.ts writes the result.
import type { ConfigMap, DownwardAPIVolumeFile, KeyToPath, Pod, Secret } from '../api/types/index.js';
import { fieldRefValue, resourceFieldValue } from './env.js';

export interface ProjectedFile {
  /** relative to the volume root */
  path: string;
  content: Buffer;
  mode: number;
}

export class ProjectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectionError';
  }
}

export const DEFAULT_MODE = 0o644;

/** Files of a ConfigMap or Secret (already decoded to key → bytes), honouring items and modes. */
export function projectKeys(
  what: string,
  data: Map<string, Buffer> | undefined,
  items: KeyToPath[] | undefined,
  defaultMode: number | undefined,
  optional: boolean | undefined,
): ProjectedFile[] {
  const mode = defaultMode ?? DEFAULT_MODE;
  if (!data) {
    if (optional) return [];
    throw new ProjectionError(`${what} not found`);
  }
  if (!items || items.length === 0) {
    return [...data.entries()].map(([key, content]) => ({ path: key, content, mode }));
  }
  const out: ProjectedFile[] = [];
  for (const item of items) {
    const content = data.get(item.key);
    if (content === undefined) {
      if (optional) continue;
      throw new ProjectionError(`configured to use key ${item.key} in ${what}, but it does not exist`);
    }
    out.push({ path: safePath(item.path), content, mode: item.mode ?? mode });
  }
  return out;
}

export function configMapData(cm: ConfigMap | undefined): Map<string, Buffer> | undefined {
  if (!cm) return undefined;
  const m = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) m.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) m.set(k, Buffer.from(v, 'base64'));
  return m;
}

export function secretData(s: Secret | undefined): Map<string, Buffer> | undefined {
  if (!s) return undefined;
  const m = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(s.data ?? {})) m.set(k, Buffer.from(v, 'base64'));
  for (const [k, v] of Object.entries(s.stringData ?? {})) m.set(k, Buffer.from(v, 'utf8'));
  return m;
}

export function projectDownwardAPI(
  pod: Pod,
  items: DownwardAPIVolumeFile[] | undefined,
  defaultMode: number | undefined,
  ips: { podIP?: string; hostIP?: string },
): ProjectedFile[] {
  const mode = defaultMode ?? DEFAULT_MODE;
  return (items ?? []).map((item) => {
    let value = '';
    if (item.fieldRef) value = fieldRefValue(pod, item.fieldRef.fieldPath, ips);
    else if (item.resourceFieldRef) {
      const c = pod.spec.containers.find((x) => x.name === item.resourceFieldRef!.containerName) ?? pod.spec.containers[0];
      value = resourceFieldValue(c, item.resourceFieldRef.resource, item.resourceFieldRef.divisor);
    }
    return { path: safePath(item.path), content: Buffer.from(value), mode: item.mode ?? mode };
  });
}

/** Rejects absolute paths and `..` so a projection can't escape its volume. */
export function safePath(p: string): string {
  if (!p || p.startsWith('/') || p.split('/').includes('..')) throw new ProjectionError(`invalid path "${p}"`);
  return p;
}
