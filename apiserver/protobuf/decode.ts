// Decoder for `application/vnd.kubernetes.protobuf` request bodies.
//
// kubectl (v1.32) sends `create deployment|namespace|configmap|secret|service|
// job|serviceaccount` and `autoscale` bodies only in this format, so the
// apiserver turns them into the JSON object shape the rest of the pipeline
// (validation, defaulting, storage) already understands. An encoder is
// provided too, mainly so tests can build bodies for kinds kubectl never sends
// as protobuf.

import protobuf from 'protobufjs';
import type { KubeObject } from '../../api/meta.js';
import { KIND_TYPES, PROTO_SOURCES, UNKNOWN_TYPE } from './schema.js';

export const KUBERNETES_PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** `k8s\0`: prefix of every Kubernetes protobuf body, before runtime.Unknown. */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const QUANTITY = '.k8s.io.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = '.k8s.io.apimachinery.pkg.util.intstr.IntOrString';
const TIME = '.k8s.io.apimachinery.pkg.apis.meta.v1.Time';
const MICRO_TIME = '.k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime';
const FIELDS_V1 = '.k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1';

/** The body cannot be turned into an object; callers should answer 400 BadRequest with `message`. */
export class ProtobufDecodeError extends Error {
  override readonly name = 'ProtobufDecodeError';
}

type JsonObject = Record<string, unknown>;

let cachedRoot: protobuf.Root | undefined;

// Parsed lazily: only processes that actually receive protobuf pay for it.
function schemaRoot(): protobuf.Root {
  if (!cachedRoot) {
    const root = new protobuf.Root();
    for (const source of PROTO_SOURCES) protobuf.parse(source, root, { keepCase: true });
    root.resolveAll();
    cachedRoot = root;
  }
  return cachedRoot;
}

/** Own-property lookup, so envelope strings like "__proto__" cannot reach Object.prototype. */
function lookupKind(apiVersion: string, kind: string): string | undefined {
  if (!Object.hasOwn(KIND_TYPES, apiVersion)) return undefined;
  const kinds = KIND_TYPES[apiVersion]!;
  return Object.hasOwn(kinds, kind) ? kinds[kind] : undefined;
}

function unregistered(apiVersion: string, kind: string): string {
  return `no kind "${kind}" is registered for version "${apiVersion}"`;
}

export function isKubernetesProtobuf(buf: Buffer): boolean {
  return buf.length >= MAGIC.length && buf.subarray(0, MAGIC.length).equals(MAGIC);
}

export function decodeKubernetesProtobuf(buf: Buffer): KubeObject {
  if (!isKubernetesProtobuf(buf)) {
    throw new ProtobufDecodeError('body is not a Kubernetes protobuf message (missing "k8s\\x00" prefix)');
  }
  const root = schemaRoot();

  let envelope: JsonObject;
  try {
    envelope = decodeMessage(root.lookupType(UNKNOWN_TYPE), buf.subarray(MAGIC.length));
  } catch (err) {
    throw new ProtobufDecodeError(`malformed protobuf envelope: ${describe(err)}`);
  }

  const typeMeta = isObject(envelope.typeMeta) ? envelope.typeMeta : {};
  const apiVersion = typeof typeMeta.apiVersion === 'string' ? typeMeta.apiVersion : '';
  const kind = typeof typeMeta.kind === 'string' ? typeMeta.kind : '';
  if (!kind) throw new ProtobufDecodeError("Object 'Kind' is missing in protobuf envelope");
  if (!apiVersion) throw new ProtobufDecodeError("Object 'apiVersion' is missing in protobuf envelope");

  const contentEncoding = typeof envelope.contentEncoding === 'string' ? envelope.contentEncoding : '';
  if (contentEncoding) {
    throw new ProtobufDecodeError(`unsupported protobuf contentEncoding "${contentEncoding}"`);
  }
  const contentType = typeof envelope.contentType === 'string' ? envelope.contentType : '';
  if (contentType && contentType !== KUBERNETES_PROTOBUF_CONTENT_TYPE) {
    throw new ProtobufDecodeError(`unsupported protobuf contentType "${contentType}"`);
  }

  const typeName = lookupKind(apiVersion, kind);
  if (!typeName) throw new ProtobufDecodeError(unregistered(apiVersion, kind));
  const type = root.lookupType(typeName);
  const raw = envelope.raw instanceof Uint8Array ? envelope.raw : new Uint8Array(0);

  let body: unknown;
  try {
    body = messageToJson(type, decodeMessage(type, raw));
  } catch (err) {
    if (err instanceof ProtobufDecodeError) throw err;
    throw new ProtobufDecodeError(`malformed protobuf ${apiVersion} ${kind}: ${describe(err)}`);
  }

  const { metadata, ...rest } = isObject(body) ? body : {};
  return { kind, apiVersion, metadata: isObject(metadata) ? metadata : {}, ...rest };
}

/** Inverse of decodeKubernetesProtobuf, for tests and protobuf responses. */
export function encodeKubernetesProtobuf(obj: KubeObject): Buffer {
  const apiVersion = obj.apiVersion ?? '';
  const kind = obj.kind ?? '';
  const typeName = lookupKind(apiVersion, kind);
  if (!typeName) throw new Error(unregistered(apiVersion, kind));
  const root = schemaRoot();
  const type = root.lookupType(typeName);
  const raw = type.encode(jsonToMessage(type, obj, kind) as JsonObject).finish();
  const envelope = root.lookupType(UNKNOWN_TYPE).encode({
    typeMeta: { apiVersion, kind },
    raw,
    contentEncoding: '',
    contentType: '',
  });
  return Buffer.concat([MAGIC, envelope.finish()]);
}

// ---------------------------------------------------------------------------
// protobuf message -> Kubernetes JSON

function decodeMessage(type: protobuf.Type, bytes: Uint8Array): JsonObject {
  return type.decode(bytes) as unknown as JsonObject;
}

function fieldOption(field: protobuf.Field, name: 'keep' | 'inline'): boolean {
  return field.options?.[`(${name})`] === true;
}

function messageToJson(type: protobuf.Type, msg: JsonObject): unknown {
  switch (type.fullName) {
    case QUANTITY:
      // An empty Quantity message is Go's zero Quantity, which serialises as "0".
      return typeof msg.string === 'string' && msg.string !== '' ? msg.string : '0';
    case INT_OR_STRING:
      return toNumber(msg.type) === 1
        ? (typeof msg.strVal === 'string' ? msg.strVal : '')
        : toNumber(msg.intVal);
    case TIME:
      return formatTime(msg, false);
    case MICRO_TIME:
      return formatTime(msg, true);
    case FIELDS_V1:
      return parseRawJson(msg.Raw, 'fieldsV1');
  }

  const out: JsonObject = {};
  for (const field of type.fieldsArray) {
    // protobufjs sets own properties only for fields present on the wire
    // (plus empty arrays/maps for repeated/map fields).
    if (!Object.hasOwn(msg, field.name)) continue;
    const value = msg[field.name];
    const messageType = field.resolvedType instanceof protobuf.Type ? field.resolvedType : null;

    if (field.map) {
      if (!isObject(value)) continue;
      const entries = Object.entries(value);
      if (entries.length === 0) continue;
      const converted: JsonObject = {};
      for (const [key, item] of entries) {
        converted[key] = messageType ? messageToJson(messageType, item as JsonObject) ?? null : scalarToJson(field, item);
      }
      out[field.name] = converted;
    } else if (field.repeated) {
      if (!Array.isArray(value) || value.length === 0) continue;
      out[field.name] = value.map((item: unknown) =>
        messageType ? messageToJson(messageType, item as JsonObject) ?? null : scalarToJson(field, item),
      );
    } else if (messageType) {
      // A message on the wire is a non-nil Go struct: JSON always writes
      // those, even when empty (`"resources": {}`, `"strategy": {}`).
      const converted = messageToJson(messageType, value as JsonObject);
      if (converted === undefined) continue; // zero Time: JSON null, dropped
      if (fieldOption(field, 'inline') && isObject(converted)) Object.assign(out, converted);
      else out[field.name] = converted;
    } else {
      const converted = scalarToJson(field, value);
      if (!fieldOption(field, 'keep') && isZeroScalar(converted)) continue;
      out[field.name] = converted;
    }
  }
  return out;
}

function scalarToJson(field: protobuf.Field, value: unknown): unknown {
  if (field.type === 'bytes') {
    return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : '';
  }
  if (field.long) return toNumber(value);
  return value;
}

function isZeroScalar(value: unknown): boolean {
  return value === '' || value === 0 || value === false;
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  // int64 fields decode to Long objects when the `long` package is present.
  if (isObject(value) && typeof value.low === 'number' && typeof value.high === 'number') {
    const long = value as unknown as protobuf.Long;
    return protobuf.util.LongBits.from(long).toNumber(long.unsigned);
  }
  return 0;
}

function formatTime(msg: JsonObject, micro: boolean): string | undefined {
  // Go marshals the zero time as an empty message; JSON shows it as null.
  if (!Object.hasOwn(msg, 'seconds') && !Object.hasOwn(msg, 'nanos')) return undefined;
  const seconds = toNumber(msg.seconds);
  const nanos = toNumber(msg.nanos);
  if (!Number.isSafeInteger(seconds) || !Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) {
    throw new ProtobufDecodeError(`invalid timestamp {seconds: ${seconds}, nanos: ${nanos}}`);
  }
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) {
    throw new ProtobufDecodeError(`timestamp out of range: ${seconds}s`);
  }
  const base = date.toISOString().slice(0, 19); // YYYY-MM-DDTHH:mm:ss
  // metav1.Time is second precision in JSON; MicroTime always has 6 digits.
  return micro ? `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${base}Z`;
}

function parseRawJson(raw: unknown, what: string): unknown {
  if (!(raw instanceof Uint8Array) || raw.length === 0) return {};
  try {
    return JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
  } catch {
    throw new ProtobufDecodeError(`${what} does not hold valid JSON`);
  }
}

// ---------------------------------------------------------------------------
// Kubernetes JSON -> protobuf message (plain object protobufjs can encode)

function jsonToMessage(type: protobuf.Type, json: unknown, path: string): unknown {
  switch (type.fullName) {
    case QUANTITY:
      return { string: String(json) };
    case INT_OR_STRING:
      return typeof json === 'string' ? { type: 1, intVal: 0, strVal: json } : { type: 0, intVal: Number(json), strVal: '' };
    case TIME:
    case MICRO_TIME:
      return parseTime(String(json), path);
    case FIELDS_V1:
      return { Raw: Buffer.from(JSON.stringify(json)) };
  }
  if (!isObject(json)) throw new TypeError(`${path}: expected an object`);

  const out: JsonObject = {};
  for (const field of type.fieldsArray) {
    const messageType = field.resolvedType instanceof protobuf.Type ? field.resolvedType : null;
    const fieldPath = `${path}.${field.name}`;
    if (messageType && fieldOption(field, 'inline')) {
      // Embedded struct: its fields sit directly on this JSON object.
      const embedded = jsonToMessage(messageType, json, path) as JsonObject;
      if (Object.keys(embedded).length > 0) out[field.name] = embedded;
      continue;
    }
    const value = json[field.name];
    if (value === undefined || value === null) continue;
    const convert = (item: unknown, at: string): unknown =>
      messageType ? jsonToMessage(messageType, item, at) : scalarToMessage(field, item);

    if (field.map) {
      if (!isObject(value)) throw new TypeError(`${fieldPath}: expected an object`);
      const converted: JsonObject = {};
      for (const [key, item] of Object.entries(value)) converted[key] = convert(item, `${fieldPath}[${key}]`);
      out[field.name] = converted;
    } else if (field.repeated) {
      if (!Array.isArray(value)) throw new TypeError(`${fieldPath}: expected an array`);
      out[field.name] = value.map((item: unknown, i: number) => convert(item, `${fieldPath}[${i}]`));
    } else {
      out[field.name] = convert(value, fieldPath);
    }
  }
  return out;
}

function scalarToMessage(field: protobuf.Field, value: unknown): unknown {
  return field.type === 'bytes' && typeof value === 'string' ? Buffer.from(value, 'base64') : value;
}

function parseTime(text: string, path: string): { seconds: number; nanos: number } {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  const millis = match ? Date.parse(`${match[1]}${match[3]}`) : Number.NaN;
  if (!match || Number.isNaN(millis)) throw new TypeError(`${path}: invalid RFC3339 time "${text}"`);
  return { seconds: millis / 1000, nanos: Number((match[2] ?? '').padEnd(9, '0')) };
}

// ---------------------------------------------------------------------------

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
