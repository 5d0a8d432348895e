// Resource names and quantities: container requests/limits, PVC sizes, PV capacity.
import type { FieldError } from '../errors.js';
import { isQualifiedName } from '../names.js';
import { ERR_FORMAT_WRONG, Quantity } from '../quantity.js';
import { asRecord, invalid, key, required } from './field.js';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

/** A quantity as found in a manifest: `"500m"`, or a bare number from YAML. */
export function parseQuantity(v: unknown): Quantity | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Quantity.tryParse(String(v));
  if (typeof v === 'string') return Quantity.tryParse(v.trim());
  return undefined;
}

function printed(v: unknown): unknown {
  return typeof v === 'number' ? String(v) : v;
}

/** Parses or reports the Kubernetes decoding error for the field. */
export function quantityOrError(v: unknown, field: string, errs: FieldError[]): Quantity | undefined {
  const q = parseQuantity(v);
  if (!q) errs.push(invalid(field, printed(v), ERR_FORMAT_WRONG));
  return q;
}

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

// Extended resources (`example.com/gpu`) cannot be overcommitted: requests must equal limits.
function isOvercommitAllowed(name: string): boolean {
  return !name.includes('/') || name.startsWith('kubernetes.io/') || name.includes('.kubernetes.io/');
}

/** validateContainerResourceName: a standard name, or a fully qualified extended resource. */
export function validateContainerResourceName(name: string, field: string): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => invalid(field, name, msg));
  if (errs.length > 0) return errs;
  if (!name.includes('/') && !STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) {
    return [invalid(field, name, 'must be a standard resource for containers')];
  }
  return [];
}

/** ValidateResourceQuantityValue: non-negative; whole numbers for extended resources. */
export function validateResourceQuantity(name: string, q: Quantity, field: string): FieldError[] {
  if (q.sign() < 0) return [invalid(field, q.toString(), 'must be greater than or equal to 0')];
  if (name.includes('/') && !isOvercommitAllowed(name) && q.milliValue() % 1000 !== 0) {
    return [invalid(field, q.toString(), 'must be an integer')];
  }
  return [];
}

export function validatePositiveQuantity(q: Quantity, field: string): FieldError[] {
  return q.sign() <= 0 ? [invalid(field, q.toString(), 'must be greater than zero')] : [];
}

/** ValidateContainerResources: names, quantities, and requests ≤ limits. */
export function validateResourceRequirements(resources: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const r = asRecord(resources);
  const limPath = `${path}.limits`;
  const reqPath = `${path}.requests`;
  const limits = new Map<string, Quantity>();
  for (const [name, v] of Object.entries(asRecord(r.limits))) {
    const field = key(limPath, name);
    errs.push(...validateContainerResourceName(name, field));
    const q = quantityOrError(v, field, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantity(name, q, field));
    limits.set(name, q);
  }
  for (const [name, v] of Object.entries(asRecord(r.requests))) {
    const field = key(reqPath, name);
    errs.push(...validateContainerResourceName(name, field));
    const q = quantityOrError(v, field, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantity(name, q, field));
    const limit = limits.get(name);
    if (limit) {
      if (!isOvercommitAllowed(name) && q.cmp(limit) !== 0) {
        errs.push(invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${limit.toString()}`));
      } else if (q.cmp(limit) > 0) {
        errs.push(invalid(reqPath, q.toString(), `must be less than or equal to ${name} limit of ${limit.toString()}`));
      }
    } else if (!isOvercommitAllowed(name) && !(name in asRecord(r.limits))) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}
