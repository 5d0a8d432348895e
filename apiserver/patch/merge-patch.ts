// JSON merge patch, RFC 7386 (application/merge-patch+json): `kubectl label`,
// `annotate`, `scale`, and `kubectl patch --type merge`.

import { deepClone, isPlainObject, type JsonObject } from './json.js';

/**
 * The result never aliases `patch`. It aliases `original` only with `shareOriginal`:
 * then the subtrees the patch leaves alone are shared, not copied — for callers (the
 * apiserver) that never mutate either object in place.
 */
export function mergePatch(original: unknown, patch: unknown, shareOriginal = false): unknown {
  return mergeInto(shareOriginal ? original : deepClone(original), patch);
}

/** Copy-on-write: every map the patch touches is a fresh copy, so `target` is never changed. */
function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return deepClone(patch);
  const out: JsonObject = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergeInto(out[key], value);
  }
  return out;
}
