// Decode-time shape check: what Kubernetes' typed JSON decoding refuses with
// 400 BadRequest before validation runs.
//
// The real apiserver unmarshals the body into Go structs with
// sigs.k8s.io/json (a case-sensitive fork of encoding/json). That rejects
// values of the wrong JSON type (`json: cannot unmarshal string into Go
// struct field DeploymentSpec.spec.replicas of type int32`), malformed
// quantities, times and base64, and — with `fieldValidation=Strict`, which
// `kubectl apply`/`create` send — fields the struct does not have
// (`strict decoding error: unknown field "spec.replcas"`). This module
// reproduces that from the protobuf schema of the Kubernetes types, with the
// same wording, so clients and tests see what a real cluster answers.
//
// Known gaps, all inherent to checking an already-parsed JSON value:
// duplicate keys (`duplicate field`) are gone after JSON.parse, and number
// literals like `3.0` or `1e3` arrive as integers, which Go's int decoding
// would refuse.

import protobuf from 'protobufjs';
import { KIND_TYPES, PROTO_SOURCES } from '../protobuf/schema.js';
import { goBase64Error, goQuantityError, goQuote, goTimeParseError, QUANTITY_FORMAT_ERROR } from './go-values.js';
import {
  conditionStatusType, EXTRA_FIELDS, EXTRA_PROTO_SOURCES, GO_NAMED_TYPES, RESOURCE_LIST_FIELDS, TYPE_META_MESSAGES,
} from './schema-extra.js';

export interface ShapeOptions {
  /** Collect fields the type does not have (fieldValidation Strict or Warn). */
  strict: boolean;
}

export interface ShapeResult {
  /**
   * Decoding errors, worded as Kubernetes words them. The first entry is the
   * one Kubernetes reports: Go's decoder keeps going after a plain type
   * mismatch but stops at the first error from a custom unmarshaler (times,
   * quantities, int-or-string), and that one wins.
   */
  typeErrors: string[];
  /** Dotted paths of fields the type does not have, e.g. `spec.template.spec.containers[0].imagePullPolcy`. */
  unknownFields: string[];
}

// How one JSON value is decoded; numbers keep the table compact and the hot
// switch cheap.
const STRING = 0;
const BOOL = 1;
const INT32 = 2;
const INT64 = 3;
const FLOAT = 4;
const BYTES = 5;
const QUANTITY = 6;
const INT_OR_STRING = 7;
const TIME = 8;
const MICRO_TIME = 9;
const FREE = 10;
const MESSAGE = 11;
type ValueKind = number;

interface FieldSpec {
  readonly kind: ValueKind;
  readonly list: boolean;
  readonly map: boolean;
  /** Go type of the whole field, for a wrong JSON type on the field itself */
  readonly goType: string;
  /** Go type of one list element or map value */
  readonly elemGoType: string;
  /** Go struct the field belongs to, after flattening inlined (embedded) structs */
  readonly struct: string;
  readonly message: MessageSpec | undefined;
}

interface MessageSpec {
  readonly goType: string;
  readonly fields: Map<string, FieldSpec>;
}

// Messages decoded specially (custom UnmarshalJSON in Go).
const SPECIAL: Readonly<Record<string, ValueKind>> = {
  '.k8s.io.apimachinery.pkg.api.resource.Quantity': QUANTITY,
  '.k8s.io.apimachinery.pkg.util.intstr.IntOrString': INT_OR_STRING,
  '.k8s.io.apimachinery.pkg.apis.meta.v1.Time': TIME,
  '.k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': MICRO_TIME,
  // Free-form JSON: managedFields[].fieldsV1 (and RawExtension-like types if added).
  '.k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': FREE,
  '.k8s.io.apimachinery.pkg.runtime.RawExtension': FREE,
};

const SCALARS: Readonly<Record<string, ValueKind>> = {
  string: STRING,
  bool: BOOL,
  int32: INT32,
  sint32: INT32,
  sfixed32: INT32,
  int64: INT64,
  sint64: INT64,
  sfixed64: INT64,
  double: FLOAT,
  float: FLOAT,
  bytes: BYTES,
};

const ELEM_GO_TYPE: Readonly<Record<number, string>> = {
  [STRING]: 'string',
  [BOOL]: 'bool',
  [INT32]: 'int32',
  [INT64]: 'int64',
  [FLOAT]: 'float64',
  [BYTES]: '[]uint8',
  [QUANTITY]: 'resource.Quantity',
  [INT_OR_STRING]: 'intstr.IntOrString',
  [TIME]: 'v1.Time',
  [MICRO_TIME]: 'v1.MicroTime',
  [FREE]: 'v1.FieldsV1',
};

/** Go caps accumulated strict errors at 100; the same bound keeps huge bodies cheap. */
const MAX_ERRORS = 100;

interface Tables {
  readonly byKind: Map<string, MessageSpec>;
}

let tables: Tables | undefined;

// Our own Root: the decoder's is private, and the extra fields must not leak
// into protobuf decoding.
function buildRoot(): protobuf.Root {
  const root = new protobuf.Root();
  for (const source of PROTO_SOURCES) protobuf.parse(source, root, { keepCase: true });
  for (const source of EXTRA_PROTO_SOURCES) protobuf.parse(source, root, { keepCase: true });
  for (const extra of EXTRA_FIELDS) {
    root.lookupType(extra.message).add(new protobuf.Field(extra.name, extra.id, extra.type, extra.repeated ? 'repeated' : 'optional'));
  }
  root.resolveAll();
  return root;
}

function goTypeOfMessage(type: protobuf.Type): string {
  const special = SPECIAL[type.fullName];
  if (special !== undefined) return ELEM_GO_TYPE[special]!;
  return `${type.parent?.name ?? ''}.${type.name}`;
}

function buildTables(): Tables {
  const root = buildRoot();
  const specs = new Map<string, MessageSpec>();
  const typeMeta = new Set<string>([
    ...Object.values(KIND_TYPES).flatMap((kinds) => Object.values(kinds)),
    ...TYPE_META_MESSAGES,
  ].map((name) => `.${name}`));

  function specOf(type: protobuf.Type): MessageSpec {
    const cached = specs.get(type.fullName);
    if (cached) return cached;
    const spec: MessageSpec = { goType: goTypeOfMessage(type), fields: new Map() };
    specs.set(type.fullName, spec); // before the fields: types refer to themselves
    if (typeMeta.has(type.fullName)) {
      for (const name of ['apiVersion', 'kind']) {
        spec.fields.set(name, { kind: STRING, list: false, map: false, goType: 'string', elemGoType: 'string', struct: type.name, message: undefined });
      }
    }
    addFields(spec.fields, type, type.name);
    return spec;
  }

  function addFields(into: Map<string, FieldSpec>, type: protobuf.Type, struct: string): void {
    for (const field of type.fieldsArray) {
      const resolved = field.resolvedType;
      if (resolved instanceof protobuf.Type && field.options?.['(inline)'] === true) {
        // Embedded Go struct: its JSON fields sit on the parent object.
        addFields(into, resolved, struct);
        continue;
      }
      into.set(field.name, fieldSpec(field, type, struct));
    }
  }

  function fieldSpec(field: protobuf.Field, owner: protobuf.Type, struct: string): FieldSpec {
    const resolved = field.resolvedType;
    let kind: ValueKind;
    let message: MessageSpec | undefined;
    let elem: string;
    if (resolved instanceof protobuf.Type) {
      const special = SPECIAL[resolved.fullName];
      kind = special ?? MESSAGE;
      message = special === undefined ? specOf(resolved) : undefined;
      elem = goTypeOfMessage(resolved);
    } else {
      kind = resolved ? STRING : SCALARS[field.type] ?? STRING; // proto enums are strings in Kubernetes JSON
      elem = ELEM_GO_TYPE[kind]!;
    }
    const key = `${owner.name}.${field.name}`;
    const named = GO_NAMED_TYPES[key] ?? conditionStatusType(owner.name, field.name);
    const map = field instanceof protobuf.MapField;
    let goType: string;
    if (map) {
      goType = RESOURCE_LIST_FIELDS.has(key) ? 'v1.ResourceList' : named ?? `map[string]${elem}`;
      if (named) elem = /^map\[[^\]]*\](.*)$/.exec(named)?.[1] ?? elem;
    } else {
      if (named) elem = named;
      goType = field.repeated ? `[]${elem}` : elem;
    }
    return { kind, list: field.repeated && !map, map, goType, elemGoType: elem, struct, message };
  }

  const byKind = new Map<string, MessageSpec>();
  for (const [apiVersion, kinds] of Object.entries(KIND_TYPES)) {
    for (const [kind, typeName] of Object.entries(kinds)) {
      byKind.set(`${apiVersion}/${kind}`, specOf(root.lookupType(typeName)));
    }
  }
  return { byKind };
}

function getTables(): Tables {
  tables ??= buildTables();
  return tables;
}

/** Builds the field tables now rather than on the first request (parsing the schema takes ~0.1–0.3 s). */
export function warmUpShapeTables(): void {
  getTables();
}

/** Whether checkShape knows the type for this apiVersion/kind. */
export function hasShape(apiVersion: string, kind: string): boolean {
  return getTables().byKind.has(`${apiVersion}/${kind}`);
}

// ---------------------------------------------------------------------------
// walking

interface State {
  readonly strict: boolean;
  readonly typeErrors: string[];
  readonly unknownFields: string[];
  aborted: boolean;
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** encoding/json's name for the JSON type of a value. */
function jsonKind(v: unknown): string {
  switch (typeof v) {
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'bool';
    default: return Array.isArray(v) ? 'array' : 'object';
  }
}

function join(path: string, key: string): string {
  if (key === '') return path;
  return path === '' ? key : `${path}.${key}`;
}

function unmarshalError(value: string, goType: string, f: FieldSpec, goPath: string): string {
  return `json: cannot unmarshal ${value} into Go struct field ${f.struct}.${goPath} of type ${goType}`;
}

/** A plain type mismatch: Go records it and decodes on. */
function saved(st: State, message: string): void {
  if (st.typeErrors.length < MAX_ERRORS) st.typeErrors.push(message);
}

/** An error from a custom unmarshaler: Go stops decoding and reports this one. */
function fatal(st: State, message: string): void {
  st.typeErrors.unshift(message);
  st.aborted = true;
}

function intOutOfRange(n: number, kind: ValueKind): boolean {
  if (!Number.isInteger(n)) return true;
  return kind === INT32 ? n < -2147483648 || n > 2147483647 : n < -9223372036854775808 || n >= 9223372036854775808;
}

function walkObject(spec: MessageSpec, obj: JsonObject, path: string, goPath: string, st: State): void {
  const fields = spec.fields;
  for (const key in obj) {
    if (st.aborted) return;
    const value = obj[key];
    const f = fields.get(key);
    if (f === undefined) {
      if (st.strict && st.unknownFields.length < MAX_ERRORS) st.unknownFields.push(join(path, key));
      continue;
    }
    // null leaves Go's zero value; undefined only comes from JS callers.
    if (value === null || value === undefined) continue;
    checkField(f, value, path, goPath, key, st);
  }
}

function checkField(f: FieldSpec, value: unknown, path: string, goPath: string, key: string, st: State): void {
  // Paths are only built when descending into a message or reporting an
  // error: most fields are scalars that pass.
  if (f.map || f.list) {
    const ok = f.map ? isObject(value) : Array.isArray(value);
    if (!ok) return saved(st, unmarshalError(jsonKind(value), f.goType, f, join(goPath, key)));
    const message = f.kind === MESSAGE;
    const fieldPath = message ? join(path, key) : '';
    const fieldGoPath = message ? join(goPath, key) : goPath;
    const valueKey = message ? '' : key;
    if (f.list) {
      const list = value as unknown[];
      for (let i = 0; i < list.length; i++) {
        if (st.aborted) return;
        const v = list[i];
        if (v === null || v === undefined) continue;
        checkValue(f, v, message ? `${fieldPath}[${i}]` : '', fieldGoPath, valueKey, st);
      }
    } else {
      const map = value as JsonObject;
      for (const k in map) {
        if (st.aborted) return;
        const v = map[k];
        if (v === null || v === undefined) continue;
        // Map keys are part of strict-error paths but not of Go's type-error context.
        checkValue(f, v, message ? `${fieldPath}.${k}` : '', fieldGoPath, valueKey, st);
      }
    }
    return;
  }
  if (f.kind === MESSAGE) checkValue(f, value, join(path, key), join(goPath, key), '', st);
  else checkValue(f, value, '', goPath, key, st);
}

/**
 * One scalar, message, list element or map value. For messages `path` and
 * `goPath` are the value's own; for anything else `goPath` + `key` name the
 * field, joined only if there is something to report.
 */
function checkValue(f: FieldSpec, v: unknown, path: string, goPath: string, key: string, st: State): void {
  switch (f.kind) {
    case STRING:
      if (typeof v !== 'string') saved(st, unmarshalError(jsonKind(v), f.elemGoType, f, join(goPath, key)));
      return;
    case BOOL:
      if (typeof v !== 'boolean') saved(st, unmarshalError(jsonKind(v), f.elemGoType, f, join(goPath, key)));
      return;
    case INT32:
    case INT64:
      if (typeof v !== 'number') saved(st, unmarshalError(jsonKind(v), f.elemGoType, f, join(goPath, key)));
      else if (intOutOfRange(v, f.kind)) saved(st, unmarshalError(`number ${String(v)}`, f.elemGoType, f, join(goPath, key)));
      return;
    case FLOAT:
      if (typeof v !== 'number') saved(st, unmarshalError(jsonKind(v), f.elemGoType, f, join(goPath, key)));
      return;
    case BYTES:
      if (typeof v !== 'string') saved(st, unmarshalError(jsonKind(v), f.elemGoType, f, join(goPath, key)));
      else {
        const err = goBase64Error(v);
        if (err !== undefined) saved(st, err);
      }
      return;
    case QUANTITY:
      // Quantity.UnmarshalJSON parses the raw JSON text: numbers always
      // parse, anything but a string or number fails the format check.
      if (typeof v === 'string') {
        const err = goQuantityError(v);
        if (err !== undefined) fatal(st, err);
      } else if (typeof v !== 'number') {
        fatal(st, QUANTITY_FORMAT_ERROR);
      }
      return;
    case INT_OR_STRING:
      // IntOrString.UnmarshalJSON decodes anything but a string into an int32.
      if (typeof v === 'string') return;
      if (typeof v !== 'number') fatal(st, unmarshalError(jsonKind(v), 'int32', f, join(goPath, key)));
      else if (intOutOfRange(v, INT32)) fatal(st, unmarshalError(`number ${String(v)}`, 'int32', f, join(goPath, key)));
      return;
    case TIME:
    case MICRO_TIME:
      // Time.UnmarshalJSON decodes into a string first, then time.Parse.
      if (typeof v !== 'string') fatal(st, unmarshalError(jsonKind(v), 'string', f, join(goPath, key)));
      else {
        const err = goTimeParseError(v, f.kind === MICRO_TIME);
        if (err !== undefined) fatal(st, err);
      }
      return;
    case FREE:
      return;
    case MESSAGE:
      if (isObject(v)) walkObject(f.message!, v, path, goPath, st);
      else saved(st, unmarshalError(jsonKind(v), f.elemGoType, f, join(goPath, key)));
      return;
  }
}

/**
 * Checks a decoded JSON body against the Kubernetes type for apiVersion/kind,
 * as the apiserver's typed decoding would. Kinds without a schema pass.
 * Unknown fields are only collected when `opts.strict`.
 */
export function checkShape(obj: unknown, apiVersion: string, kind: string, opts: ShapeOptions): ShapeResult {
  const spec = getTables().byKind.get(`${apiVersion}/${kind}`);
  if (spec === undefined) return { typeErrors: [], unknownFields: [] };
  if (!isObject(obj)) {
    return { typeErrors: [`json: cannot unmarshal ${jsonKind(obj)} into Go value of type ${spec.goType}`], unknownFields: [] };
  }
  const st: State = { strict: opts.strict, typeErrors: [], unknownFields: [], aborted: false };
  walkObject(spec, obj, '', '', st);
  return { typeErrors: st.typeErrors, unknownFields: st.unknownFields };
}

/**
 * The body as Kubernetes would store it under fieldValidation Ignore or
 * Warn: decoding into Go structs silently drops fields the type does not
 * have, so they never reach storage or `kubectl get -o yaml`. Returns `obj`
 * itself when nothing is unknown; otherwise a copy that shares every
 * unchanged subtree. Values of the wrong type are left alone (checkShape
 * reports those).
 */
export function pruneUnknownFields<T>(obj: T, apiVersion: string, kind: string): T {
  const spec = getTables().byKind.get(`${apiVersion}/${kind}`);
  if (spec === undefined || !isObject(obj)) return obj;
  return pruneObject(spec, obj) as T;
}

function pruneObject(spec: MessageSpec, obj: JsonObject): JsonObject {
  let out: JsonObject | undefined;
  for (const key in obj) {
    const value = obj[key];
    const f = spec.fields.get(key);
    let next: unknown = value;
    if (f === undefined) next = undefined;
    else if (f.kind === MESSAGE && value !== null && typeof value === 'object') next = pruneMessageValue(f, value);
    if (next === value) continue;
    out ??= { ...obj };
    if (next === undefined) delete out[key];
    else out[key] = next;
  }
  return out ?? obj;
}

function pruneMessageValue(f: FieldSpec, value: object): unknown {
  const message = f.message!;
  const one = (v: unknown): unknown => (isObject(v) ? pruneObject(message, v) : v);
  if (f.list) {
    if (!Array.isArray(value)) return value;
    const pruned = value.map(one);
    return pruned.some((v, i) => v !== value[i]) ? pruned : value;
  }
  if (f.map) {
    if (!isObject(value)) return value;
    let out: JsonObject | undefined;
    for (const k in value) {
      const next = one(value[k]);
      if (next !== value[k]) (out ??= { ...value })[k] = next;
    }
    return out ?? value;
  }
  return one(value);
}

/** The strict decoding errors one by one, as the `Warning: 299` headers of fieldValidation=Warn carry them. */
export function unknownFieldMessages(res: ShapeResult): string[] {
  return res.unknownFields.map((field) => `unknown field ${goQuote(field)}`);
}

/**
 * The message of the 400 Status: the decoding error Kubernetes reports, else
 * `strict decoding error: unknown field "a", unknown field "b"`; '' when the
 * body is fine. With `context`, prefixed the way the apiserver wraps decode
 * errors: `Deployment in version "v1" cannot be handled as a Deployment: …`.
 */
export function formatShapeError(res: ShapeResult, context?: { apiVersion: string; kind: string }): string {
  let message: string;
  if (res.typeErrors.length > 0) message = res.typeErrors[0]!;
  else if (res.unknownFields.length > 0) message = `strict decoding error: ${unknownFieldMessages(res).join(', ')}`;
  else return '';
  if (!context) return message;
  const version = context.apiVersion.slice(context.apiVersion.lastIndexOf('/') + 1);
  return `${context.kind} in version ${goQuote(version)} cannot be handled as a ${context.kind}: ${message}`;
}
