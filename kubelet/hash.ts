// A stable hash of a container spec: recorded on the container at creation, so a
// changed spec (e.g. a new image) is noticed even across kubelet restarts.
import { createHash } from 'node:crypto';
import type { Container } from '../api/types/index.js';

export function containerSpecHash(c: Container): string {
  return createHash('sha256').update(canonicalJson(c)).digest('hex').slice(0, 16);
}

/** JSON with object keys sorted and undefined members dropped. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}
