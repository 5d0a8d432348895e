// The JSON text of just-committed objects. A write is serialized for LevelDB anyway;
// its response and its watch events (written right after the commit) reuse that text
// instead of serializing the same object twice more. Only the latest batch is kept, so
// the cache never holds more than one batch's strings.
//
// Watchers that asked for objects without metadata.managedFields (kubelite's own
// informers, which drop them anyway) get a second text made in the same pass: about
// 45% of a pod's JSON is its managedFields, and every informer parses every event.

import { withoutManagedFields, type KubeObject } from '../../api/meta.js';

/** An object's JSON, with and without metadata.managedFields (the same string when it has none). */
export interface ObjectTexts {
  full: string;
  withoutManagedFields: string;
}

let recent = new WeakMap<object, ObjectTexts>();

/** Called by the store for each committed batch, before watchers and writers are told. */
export function rememberBatchJson(entries: ReadonlyArray<readonly [object, ObjectTexts]>): void {
  recent = new WeakMap(entries);
}

/**
 * JSON.stringify(obj), from the cache when `obj` is an object the store just committed
 * (stored objects are never mutated in place, so the text is still exact).
 */
export function jsonText(obj: unknown): string {
  if (typeof obj === 'object' && obj !== null) {
    const texts = recent.get(obj);
    if (texts !== undefined) return texts.full;
  }
  return JSON.stringify(obj);
}

/** The JSON of `obj` without metadata.managedFields, from the cache like jsonText. */
export function jsonTextWithoutManagedFields(obj: KubeObject): string {
  return recent.get(obj)?.withoutManagedFields ?? JSON.stringify(withoutManagedFields(obj));
}

/**
 * Both texts of an object in one serialization. With managedFields, they are written
 * last in metadata, so the full text is the lean one plus that member; the object
 * parsed back from either is the same as from JSON.stringify (key order within
 * metadata aside).
 */
export function objectTexts(obj: object): ObjectTexts {
  const meta = (obj as { metadata?: unknown }).metadata;
  const managed = typeof meta === 'object' && meta !== null ? (meta as { managedFields?: unknown }).managedFields : undefined;
  const managedText = managed === undefined ? undefined : JSON.stringify(managed);
  if (managedText === undefined || Array.isArray(obj)) {
    const text = JSON.stringify(obj);
    return { full: text, withoutManagedFields: text };
  }
  const { managedFields: _, ...rest } = meta as Record<string, unknown>;
  const metaLean = JSON.stringify(rest);
  const metaFull = metaLean === '{}' ? `{"managedFields":${managedText}}` : `${metaLean.slice(0, -1)},"managedFields":${managedText}}`;
  let full = '{';
  let lean = '{';
  for (const key of Object.keys(obj)) {
    const prefix = `${full === '{' ? '' : ','}${JSON.stringify(key)}:`;
    if (key === 'metadata') {
      full += prefix + metaFull;
      lean += prefix + metaLean;
      continue;
    }
    const text = JSON.stringify((obj as Record<string, unknown>)[key]);
    if (text === undefined) continue; // as JSON.stringify skips undefined members
    full += prefix + text;
    lean += prefix + text;
  }
  return { full: `${full}}`, withoutManagedFields: `${lean}}` };
}
