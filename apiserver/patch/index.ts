// PATCH bodies: picks the algorithm from the Content-Type. Server-side apply is not
// dispatched here because it may create the object; the server calls serverSideApply
// (with parseApplyBody) itself.

import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../api/meta.js';
import { PatchError } from './errors.js';
import { isPlainObject } from './json.js';
import { applyJsonPatch } from './json-patch.js';
import { mergeOwnedPatch } from './merge-patch.js';
import type { GroupVersionKind } from './merge-keys.js';
import { strategicMergePatch } from './strategic-merge.js';

export { PatchError } from './errors.js';
export { mergePatch } from './merge-patch.js';
export { applyJsonPatch } from './json-patch.js';
export { strategicMergePatch } from './strategic-merge.js';
export type { GroupVersionKind } from './merge-keys.js';
export {
  serverSideApply, recordUpdateManager, fieldSetOf, conflictMessage, conflictCauses,
  type ApplyOptions, type ApplyConflict, type ApplyResult,
} from './apply.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

/** Patch media types the apiserver accepts, in the order Kubernetes lists them. */
export const PATCH_CONTENT_TYPES = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH] as const;

/** `application/merge-patch+json; charset=utf-8` -> `application/merge-patch+json`. */
export function mediaTypeOf(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

function bodyText(body: Buffer | string): string {
  return typeof body === 'string' ? body : body.toString('utf8');
}

function parseJson(body: Buffer | string): unknown {
  try {
    return JSON.parse(bodyText(body));
  } catch (err) {
    throw new PatchError(`error decoding patch: ${err instanceof Error ? err.message : String(err)}`, 400);
  }
}

/**
 * `shareOriginal`: a merge patch's result may share the subtrees it leaves alone with
 * `original`, for callers that mutate neither in place.
 */
export function applyPatch(
  contentType: string, original: KubeObject, body: Buffer | string, gvk: GroupVersionKind, opts: { shareOriginal?: boolean } = {},
): KubeObject {
  const patch = parseJson(body);
  let result: unknown;
  switch (mediaTypeOf(contentType)) {
    case JSON_PATCH:
      result = applyJsonPatch(original, patch);
      break;
    case MERGE_PATCH:
      if (!isPlainObject(patch)) throw new PatchError('merge patch must be a JSON object', 400);
      // the patch was decoded just above and is not used after this
      result = mergeOwnedPatch(original, patch, opts.shareOriginal);
      break;
    case STRATEGIC_MERGE_PATCH:
      result = strategicMergePatch(original, patch, gvk);
      break;
    default:
      throw new PatchError(
        `the body of the request was in an unknown format - accepted media types include: ${PATCH_CONTENT_TYPES.join(', ')}`,
        415,
      );
  }
  if (!isPlainObject(result) || !isPlainObject(result.metadata)) {
    throw new PatchError('the patched object must be a JSON object with metadata', 422);
  }
  return result as KubeObject;
}

/** An apply body: YAML or JSON (JSON is YAML), one object. */
export function parseApplyBody(body: Buffer | string): KubeObject {
  let obj: unknown;
  try {
    obj = parseYaml(bodyText(body));
  } catch (err) {
    throw new PatchError(`error decoding YAML: ${err instanceof Error ? err.message : String(err)}`, 400);
  }
  if (!isPlainObject(obj)) throw new PatchError('apply patch must be a single object', 400);
  if (obj.metadata !== undefined && !isPlainObject(obj.metadata)) throw new PatchError('metadata must be an object', 400);
  return { ...obj, metadata: isPlainObject(obj.metadata) ? obj.metadata : {} } as KubeObject;
}
