// JSON merge patch, RFC 7386 (application/merge-patch+json): `kubectl label`,
// `annotate`, `scale`, and `kubectl patch --type merge`.

import { deepClone, isPlainObject } from './json.js';

export function mergePatch(original: unknown, patch: unknown): unknown {
  // Merge into a private copy so neither input is touched or aliased by the result.
  return mergeInto(deepClone(original), patch);
}

function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return deepClone(patch);
  const out = isPlainObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergeInto(out[key], value);
  }
  return out;
}
