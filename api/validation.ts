// Validation of API objects as the apiserver runs it before storing: every
// problem is reported at once, worded as Kubernetes words it, so one 422 tells
// the user everything. Per-kind rules live in ./validation/.
import type { FieldError } from './errors.js';
import type { KubeObject } from './meta.js';
import type { ResourceInfo } from './resources.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './validation/meta.js';
import { rulesFor } from './validation/registry.js';

export { validateScale } from './validation/autoscaling.js';
export { cronScheduleError } from './validation/cron.js';

// A validator bug must not turn into a 500 with no hint of what was being checked.
function guarded(run: () => FieldError[]): FieldError[] {
  try {
    return run();
  } catch (e) {
    return [{ type: 'InternalError', field: '', message: `Internal error: ${(e as Error).message}` }];
  }
}

/** Everything wrong with a new object. The namespace rules (required/forbidden) are the server's. */
export function validateCreate(obj: KubeObject, info: ResourceInfo): FieldError[] {
  return guarded(() => {
    const rules = rulesFor(info.group, info.kind);
    return [...validateObjectMeta(obj.metadata, rules.name), ...(rules.validate?.(obj, undefined) ?? [])];
  });
}

/** Everything wrong with `obj` replacing `old`: the object's own rules plus what may not change. */
export function validateUpdate(obj: KubeObject, old: KubeObject, info: ResourceInfo): FieldError[] {
  return guarded(() => {
    const rules = rulesFor(info.group, info.kind);
    return [
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
      ...(rules.validate?.(obj, old) ?? []),
      ...(rules.update?.(obj, old) ?? []),
    ];
  });
}

/** A write through the `status` subresource (the server keeps the old spec). */
export function validateStatusUpdate(obj: KubeObject, old: KubeObject, info: ResourceInfo): FieldError[] {
  return guarded(() => {
    const rules = rulesFor(info.group, info.kind);
    return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...(rules.status?.(obj, old) ?? [])];
  });
}
