// Checks an applied configuration can be tracked field by field: every item of an
// associative list must carry its keys, once. Kubernetes rejects such configs
// instead of guessing which live item they mean.

import { PatchError } from './errors.js';
import { isPlainObject, type JsonObject } from './json.js';
import { fieldMeta } from './merge-keys.js';
import { describePath, itemKey } from './field-set.js';

export function validateApplied(value: JsonObject, typeName: string | undefined, path = ''): void {
  for (const [field, child] of Object.entries(value)) {
    const meta = fieldMeta(typeName, field);
    const at = `${path}.${field}`;
    if (isPlainObject(child)) validateApplied(child, meta?.type, at);
    if (!Array.isArray(child) || meta?.mergeKey === undefined || !child.some(isPlainObject)) continue;
    const keyNames = meta.mapKeys ?? [meta.mergeKey];
    const seen = new Set<string>();
    child.forEach((item, i) => {
      if (!isPlainObject(item)) throw new PatchError(`${at}: element ${i}: expected an object`, 422);
      const key = itemKey(item, meta);
      if (key === undefined) {
        const missing = keyNames.find((k) => item[k] === undefined && meta.keyDefaults?.[k] === undefined);
        throw new PatchError(`${at}: element ${i}: associative list with keys has an element that omits key field ${JSON.stringify(missing)}`, 422);
      }
      if (seen.has(key)) throw new PatchError(`${at}: duplicate entries for key ${describePath([key])}`, 422);
      seen.add(key);
      validateApplied(item, meta.type, `${at}[${i}]`);
    });
  }
}
