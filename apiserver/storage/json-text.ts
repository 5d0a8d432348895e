// The JSON text of just-committed objects. A write is serialized for LevelDB anyway;
// its response and its watch events (written right after the commit) reuse that text
// instead of serializing the same object twice more. Only the latest batch is kept, so
// the cache never holds more than one batch's strings.

let recent = new WeakMap<object, string>();

/** Called by the store for each committed batch, before watchers and writers are told. */
export function rememberBatchJson(entries: ReadonlyArray<readonly [object, string]>): void {
  recent = new WeakMap(entries);
}

/**
 * JSON.stringify(obj), from the cache when `obj` is an object the store just committed
 * (stored objects are never mutated in place, so the text is still exact).
 */
export function jsonText(obj: unknown): string {
  if (typeof obj === 'object' && obj !== null) {
    const text = recent.get(obj);
    if (text !== undefined) return text;
  }
  return JSON.stringify(obj);
}
