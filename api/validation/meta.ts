// ObjectMeta rules shared by every kind (apimachinery's ValidateObjectMeta and
// ValidateObjectMetaUpdate).
import type { FieldError } from '../errors.js';
import type { ObjectMeta, OwnerReference } from '../meta.js';
import { validateLabels } from '../labels.js';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../names.js';
import { asArray, asRecord, child, goValue, GoLiteral, immutableField, invalid, nonNegative, required, str, tooLong } from './field.js';

/** A kind's name rule; `prefix` is true for generateName, which may end in '-'. */
export type NameValidator = (name: string, prefix: boolean) => string[];

// generateName gets random characters appended, so a trailing '-' is fine there.
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name;
}

export const nameIsDNSSubdomain: NameValidator = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameValidator = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** path.IsValidPathSegmentName: names that only need to be safe in a URL (RBAC, scale targets). */
export const pathSegmentName: NameValidator = (name) => {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
};

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** Annotation keys are qualified names (case-insensitive); all of them together ≤ 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(asRecord<string>(annotations))) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    total += Buffer.byteLength(k) + Buffer.byteLength(str(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function validateOwnerReference(ref: OwnerReference, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = str(ref.apiVersion);
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
  if (!version) errs.push(invalid(child(path, 'apiVersion'), apiVersion, 'version must not be empty'));
  if (!str(ref.kind)) errs.push(invalid(child(path, 'kind'), str(ref.kind), 'must not be empty'));
  if (!str(ref.name)) errs.push(invalid(child(path, 'name'), str(ref.name), 'must not be empty'));
  if (!str(ref.uid)) errs.push(invalid(child(path, 'uid'), str(ref.uid), 'must not be empty'));
  return errs;
}

// Kubernetes reports these against the list itself, not an index, and prints the whole list.
function goOwnerRefs(refs: OwnerReference[]): GoLiteral {
  return new GoLiteral(`[]v1.OwnerReference{${refs.map((r) =>
    `v1.OwnerReference{APIVersion:${goValue(r.apiVersion ?? '')}, Kind:${goValue(r.kind ?? '')}, Name:${goValue(r.name ?? '')}, UID:${goValue(r.uid ?? '')}, Controller:(*bool)(${r.controller === undefined ? 'nil' : r.controller})}`).join(', ')}}`);
}

export function validateOwnerReferences(refs: OwnerReference[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = asArray<OwnerReference>(refs);
  let firstController = '';
  for (const ref of list) {
    errs.push(...validateOwnerReference(asRecord(ref) as unknown as OwnerReference, path));
    if (ref?.controller === true) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(invalid(path, goOwnerRefs(list),
          `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`));
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

export function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = asArray<string>(finalizers);
  for (const f of list) for (const msg of isQualifiedName(str(f))) errs.push(invalid(path, f, msg));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errs.push(invalid(path, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** Labels, annotations, owner references and finalizers: checked on create and on every update. */
function validateMetaContents(meta: ObjectMeta, path: string): FieldError[] {
  return [
    ...nonNegative(meta.generation, child(path, 'generation')),
    ...validateLabels(asRecord<string>(meta.labels), child(path, 'labels')),
    ...validateAnnotations(meta.annotations, child(path, 'annotations')),
    ...validateOwnerReferences(meta.ownerReferences, child(path, 'ownerReferences')),
    ...validateFinalizers(meta.finalizers, child(path, 'finalizers')),
  ];
}

export function validateObjectMeta(meta: ObjectMeta | undefined, nameFn: NameValidator, path = 'metadata'): FieldError[] {
  const m = asRecord(meta) as ObjectMeta;
  const errs: FieldError[] = [];
  const name = str(m.name);
  const generateName = str(m.generateName);
  if (generateName) {
    for (const msg of nameFn(generateName, true)) errs.push(invalid(child(path, 'generateName'), generateName, msg));
  }
  if (name) {
    for (const msg of nameFn(name, false)) errs.push(invalid(child(path, 'name'), name, msg));
  } else if (!generateName) {
    errs.push(required(child(path, 'name'), 'name or generateName is required'));
  }
  errs.push(...validateMetaContents(m, path));
  return errs;
}

/**
 * Identity fields may not change. A field missing from the new object is not a
 * change: the apiserver carries uid and creationTimestamp over before validating.
 */
export function validateObjectMetaUpdate(meta: ObjectMeta | undefined, oldMeta: ObjectMeta | undefined, path = 'metadata'): FieldError[] {
  const m = asRecord(meta) as ObjectMeta;
  const o = asRecord(oldMeta) as ObjectMeta;
  const errs: FieldError[] = [];
  errs.push(...immutableField(m.name ?? '', o.name ?? '', child(path, 'name')));
  errs.push(...immutableField(m.namespace ?? '', o.namespace ?? '', child(path, 'namespace')));
  if (m.uid !== undefined) errs.push(...immutableField(m.uid, o.uid ?? '', child(path, 'uid')));
  if (m.creationTimestamp !== undefined && o.creationTimestamp !== undefined) {
    errs.push(...immutableField(m.creationTimestamp, o.creationTimestamp, child(path, 'creationTimestamp')));
  }
  if (typeof m.generation === 'number' && typeof o.generation === 'number' && m.generation < o.generation) {
    errs.push(invalid(child(path, 'generation'), m.generation, 'must not be decremented'));
  }
  if (o.deletionTimestamp) {
    const added = asArray<string>(m.finalizers).filter((f) => !asArray<string>(o.finalizers).includes(f));
    for (const f of added) {
      errs.push({ type: 'FieldValueForbidden', field: child(path, 'finalizers'), message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${JSON.stringify(f)}}` });
    }
  }
  errs.push(...validateMetaContents(m, path));
  return errs;
}
