// coordination.k8s.io/v1: Lease.
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../meta.js';
import { asRecord, child, invalid } from './field.js';

// MicroTime on the wire: RFC 3339 with up to nanosecond fractions.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function validateLease(obj: KubeObject): FieldError[] {
  const spec = asRecord(obj.spec);
  const errs: FieldError[] = [];
  const d = spec.leaseDurationSeconds;
  if (d !== undefined && d !== null && (typeof d !== 'number' || d <= 0)) errs.push(invalid('spec.leaseDurationSeconds', d, 'must be greater than 0'));
  const t = spec.leaseTransitions;
  if (typeof t === 'number' && t < 0) errs.push(invalid('spec.leaseTransitions', t, 'must be greater than or equal to 0'));
  for (const f of ['acquireTime', 'renewTime']) {
    const v = spec[f];
    if (v !== undefined && v !== null && !(typeof v === 'string' && RFC3339.test(v))) {
      errs.push(invalid(child('spec', f), v, 'must be a timestamp in RFC 3339 format with microseconds'));
    }
  }
  return errs;
}

