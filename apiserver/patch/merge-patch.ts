// JSON merge patch, RFC 7386 (application/merge-patch+json): `kubectl label`,
// `annotate`, `scale`, and `kubectl patch --type merge`.

import { deepClone, isPlainObject, type JsonObject } from './json.js';

/**
 * The result never aliases `patch`. It aliases `original` only with `shareOriginal`:
 * then the subtrees the patch leaves alone are shared, not copied — for callers (the
 * apiserver) that never mutate either object in place.
 */
export function mergePatch(original: unknown, patch: unknown, shareOriginal = false): unknown {
  return mergeInto(shareOriginal ? original : deepClone(original), patch, deepClone);
}

/**
 * mergePatch for a `patch` handed over by the caller (just decoded from a request body and
 * used for nothing else): the result takes the patch's lists and scalars as they are
 * instead of copying them. Maps are still rebuilt, since their null members mean "delete".
 */
export function mergeOwnedPatch(original: unknown, patch: unknown, shareOriginal = false): unknown {
  return mergeInto(shareOriginal ? original : deepClone(original), patch, (v) => v);
}

/** Copy-on-write: every map the patch touches is a fresh copy, so `target` is never changed. */
function mergeInto(target: unknown, patch: unknown, take: (value: unknown) => unknown): unknown {
  if (!isPlainObject(patch)) return take(patch);
  const out: JsonObject = isPlainObject(target) ? { ...target } : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) delete out[key];
    else out[key] = mergeInto(out[key], value, take);
  }
  return out;
}
