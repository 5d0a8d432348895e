// The `pod-template-hash` a Deployment stamps on each of its ReplicaSets, like
// Kubernetes' controller.ComputeHash: FNV-32a over the pod template (+ the
// collision count), printed in decimal and re-encoded with rand.SafeEncodeString.
// Kubernetes hashes Go's spew dump of the struct; we hash canonical JSON, so the
// values differ from Kubernetes' but are just as stable across restarts.
import type { PodTemplateSpec } from '../api/types/index.js';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** apimachinery's rand alphabet: no vowels, so hashes never spell words (and no 0/1/3 look-alikes). */
const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * JSON with object keys sorted and undefined or null members dropped: equal values
 * give equal strings. Null members count as absent because Kubernetes compares
 * decoded structs, where `creationTimestamp: null` (which kubectl's rollout undo
 * writes into the template) is just the zero value.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined && v !== null) out[k] = sortKeys(v);
  }
  return out;
}

/**
 * Order-insensitive deep equality of JSON-like values (undefined and null members
 * count as absent): true exactly when their canonicalJson is the same, compared in
 * place because it runs on every pod update and building two strings each time showed
 * in profiles.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null || b === undefined || b === null) {
    return (a === undefined || a === null) && (b === undefined || b === null);
  }
  if (typeof a !== 'object' || typeof b !== 'object') return canonicalJson(a) === canonicalJson(b);
  const aArray = Array.isArray(a);
  if (aArray !== Array.isArray(b)) return false;
  if (aArray) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!semanticEqual(x[i], y[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let present = 0;
  for (const k of Object.keys(x)) {
    const v = x[k];
    if (v === undefined || v === null) continue;
    present++;
    const w = y[k];
    if (w === undefined || w === null || !Object.prototype.hasOwnProperty.call(y, k) || !semanticEqual(v, w)) return false;
  }
  for (const k of Object.keys(y)) {
    const w = y[k];
    if (w !== undefined && w !== null) present--;
  }
  return present === 0;
}

export function fnv32a(data: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const byte of data) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHANUMS[s.charCodeAt(i) % SAFE_ALPHANUMS.length];
  return out;
}

/** The hash for a template; a collision count (bumped on a name clash) perturbs it as in Kubernetes. */
export function computeHash(template: PodTemplateSpec, collisionCount?: number): string {
  let h = fnv32a(Buffer.from(canonicalJson(template), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32LE(collisionCount >>> 0);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}

/** Templates equal except for the pod-template-hash label (Kubernetes' EqualIgnoreHash). */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutHashLabel(a)) === canonicalJson(withoutHashLabel(b));
}

function withoutHashLabel(t: PodTemplateSpec | undefined): unknown {
  if (!t) return t;
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  const metadata = { ...(t.metadata ?? {}) };
  // An empty label map and no labels at all are the same template (Go's DeepEqual sees nil vs {} after the delete too).
  if (Object.keys(labels).length) metadata.labels = labels;
  else delete metadata.labels;
  return { ...t, metadata };
}

/** A copy of `labels` with `key=value` added. */
export function cloneAndAddLabel(labels: Record<string, string> | undefined, key: string, value: string): Record<string, string> {
  return { ...(labels ?? {}), [key]: value };
}
