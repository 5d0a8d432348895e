// Field selectors (k8s.io/apimachinery/pkg/fields) and the selectable fields of
// each kind, as the Kubernetes registries expose them (`?fieldSelector=`,
// `kubectl get pods --field-selector spec.nodeName=n1`).
import type { KubeObject } from './meta.js';

export interface FieldRequirement {
  field: string;
  /** `=` and `==` both parse to Equals, as in Kubernetes. */
  operator: 'Equals' | 'NotEquals';
  value: string;
}

/** AND of requirements; none selects everything. */
export interface FieldSelector {
  requirements: FieldRequirement[];
}

export function everythingFields(): FieldSelector {
  return { requirements: [] };
}

export function isEmptyFieldSelector(sel: FieldSelector): boolean {
  return sel.requirements.length === 0;
}

/** fields.EscapeValue: `\`, `,` and `=` inside a value are backslash-escaped. */
export function escapeFieldValue(v: string): string {
  return v.replace(/[\\,=]/g, (c) => `\\${c}`);
}

function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Go prints the rune as its code point (61 for '='); kept so messages match Kubernetes.
      throw new Error(`invalid field selector: unescapedRune character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits on commas not escaped by a backslash; the escapes stay in the terms. */
function splitTerms(s: string): string[] {
  if (s === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

// `!=` and `==` are tried before `=` at each position so neither leaves a stray `=` in the value.
const TERM_OPERATORS = ['!=', '==', '='] as const;

function splitTerm(term: string): { lhs: string; op: (typeof TERM_OPERATORS)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/**
 * Parses `a=b,c==d,e!=f` (values may escape `\,` `\=` `\\`). Terms are sorted
 * like Kubernetes does; '' selects everything. Throws on a term without operator.
 */
export function parseFieldSelector(s: string): FieldSelector {
  const parts = splitTerms(s).sort();
  const requirements: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw new Error(`invalid selector: '${s}'; can't understand '${part}'`);
    const value = unescapeValue(t.rhs);
    requirements.push({ field: t.lhs, operator: t.op === '!=' ? 'NotEquals' : 'Equals', value });
  }
  return { requirements };
}

export function fieldSelectorToString(sel: FieldSelector): string {
  return sel.requirements
    .map((r) => `${r.field}${r.operator === 'NotEquals' ? '!=' : '='}${escapeFieldValue(r.value)}`)
    .join(',');
}

/** fields.SelectorFromSet: every field must equal its value. */
export function fieldSelectorFromSet(set: Record<string, string>): FieldSelector {
  return { requirements: Object.entries(set).map(([field, value]) => ({ field, operator: 'Equals', value })) };
}

/** A field that is absent counts as '' (an unscheduled pod has `spec.nodeName` ''). */
export function matchesFields(sel: FieldSelector, fields: Record<string, string>): boolean {
  return sel.requirements.every((r) => {
    const v = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field] : '';
    return r.operator === 'Equals' ? v === r.value : v !== r.value;
  });
}

/** The value `field` must equal (`spec.nodeName=n1`), for watch/list fast paths. */
export function requiredFieldValue(sel: FieldSelector, field: string): string | undefined {
  return sel.requirements.find((r) => r.field === field && r.operator === 'Equals')?.value;
}

// ---------------------------------------------------------------------------
// Selectable fields per kind.

function at(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return '';
}

/** Integers print as Go's strconv.Itoa does; a missing count is 0. */
function int(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? String(Math.trunc(v)) : '0';
}

function bool(v: unknown): string {
  return v === true ? 'true' : 'false';
}

function podFields(obj: KubeObject): Record<string, string> {
  const podIPs = at(obj, 'status', 'podIPs');
  const firstIP = Array.isArray(podIPs) && podIPs.length > 0 ? str(at(podIPs[0], 'ip')) : str(at(obj, 'status', 'podIP'));
  return {
    'spec.nodeName': str(at(obj, 'spec', 'nodeName')),
    'spec.restartPolicy': str(at(obj, 'spec', 'restartPolicy')),
    'spec.schedulerName': str(at(obj, 'spec', 'schedulerName')),
    'spec.serviceAccountName': str(at(obj, 'spec', 'serviceAccountName')),
    'spec.hostNetwork': bool(at(obj, 'spec', 'hostNetwork')),
    'status.phase': str(at(obj, 'status', 'phase')),
    'status.podIP': firstIP,
    'status.nominatedNodeName': str(at(obj, 'status', 'nominatedNodeName')),
  };
}

// Core v1 and events.k8s.io/v1 Events share storage; both shapes map to the core field names.
function eventFields(obj: KubeObject): Record<string, string> {
  const ref = at(obj, 'involvedObject') ?? at(obj, 'regarding');
  const reporting = str(at(obj, 'reportingComponent')) || str(at(obj, 'reportingController'));
  const source = str(at(obj, 'source', 'component')) || str(at(obj, 'deprecatedSource', 'component')) || reporting;
  return {
    'involvedObject.kind': str(at(ref, 'kind')),
    'involvedObject.namespace': str(at(ref, 'namespace')),
    'involvedObject.name': str(at(ref, 'name')),
    'involvedObject.uid': str(at(ref, 'uid')),
    'involvedObject.apiVersion': str(at(ref, 'apiVersion')),
    'involvedObject.resourceVersion': str(at(ref, 'resourceVersion')),
    'involvedObject.fieldPath': str(at(ref, 'fieldPath')),
    reason: str(at(obj, 'reason')),
    reportingComponent: reporting,
    source,
    type: str(at(obj, 'type')),
  };
}

const KIND_FIELDS: Record<string, (obj: KubeObject) => Record<string, string>> = {
  Pod: podFields,
  Event: eventFields,
  Secret: (o) => ({ type: str(at(o, 'type')) }),
  Node: (o) => ({ 'spec.unschedulable': bool(at(o, 'spec', 'unschedulable')) }),
  Namespace: (o) => ({ 'status.phase': str(at(o, 'status', 'phase')) }),
  Service: (o) => ({ 'spec.clusterIP': str(at(o, 'spec', 'clusterIP')), 'spec.type': str(at(o, 'spec', 'type')) }),
  ReplicationController: (o) => ({ 'status.replicas': int(at(o, 'status', 'replicas')) }),
  ReplicaSet: (o) => ({ 'status.replicas': int(at(o, 'status', 'replicas')) }),
  Job: (o) => ({ 'status.successful': int(at(o, 'status', 'succeeded')) }),
  CertificateSigningRequest: (o) => ({ 'spec.signerName': str(at(o, 'spec', 'signerName')) }),
};

/** The field set a field selector is matched against for an object of `kind`. */
export function fieldsOf(kind: string, obj: KubeObject): Record<string, string> {
  const meta: Record<string, string> = {
    'metadata.name': obj.metadata?.name ?? '',
    'metadata.namespace': obj.metadata?.namespace ?? '',
  };
  const specific = Object.prototype.hasOwnProperty.call(KIND_FIELDS, kind) ? KIND_FIELDS[kind](obj) : {};
  return { ...specific, ...meta };
}

// ---------------------------------------------------------------------------
// Which labels the apiserver accepts per kind (the scheme's field label
// conversion funcs), each with the message Kubernetes answers for others.

interface LabelRule {
  labels: string[];
  /** old spelling → current field */
  aliases?: Record<string, string>;
  error: (label: string) => string;
}

const notSupported = (label: string): string => `field label not supported: ${label}`;

const RULES: Record<string, LabelRule> = {
  Pod: {
    labels: [
      'metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName',
      'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs',
      'status.nominatedNodeName',
    ],
    // Old v1 clients sent spec.host.
    aliases: { 'spec.host': 'spec.nodeName' },
    error: notSupported,
  },
  Node: { labels: ['metadata.name', 'spec.unschedulable'], error: notSupported },
  ReplicationController: { labels: ['metadata.name', 'metadata.namespace', 'status.replicas'], error: notSupported },
  Event: {
    labels: [
      'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
      'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason',
      'reportingComponent', 'source', 'type', 'metadata.namespace', 'metadata.name',
    ],
    error: notSupported,
  },
  Namespace: { labels: ['status.phase', 'metadata.name'], error: notSupported },
  Secret: { labels: ['type', 'metadata.namespace', 'metadata.name'], error: notSupported },
  Service: { labels: ['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type'], error: notSupported },
  Job: {
    labels: ['metadata.name', 'metadata.namespace', 'status.successful'],
    error: (l) => `field label ${JSON.stringify(l)} not supported for Job`,
  },
  CertificateSigningRequest: { labels: ['metadata.name', 'spec.signerName'], error: notSupported },
};

// events.k8s.io/v1 Events use their own field names, translated onto the stored core fields.
const EVENTS_V1_RULE: LabelRule = {
  labels: ['reason', 'type', 'metadata.namespace', 'metadata.name'],
  aliases: {
    'regarding.kind': 'involvedObject.kind',
    'regarding.namespace': 'involvedObject.namespace',
    'regarding.name': 'involvedObject.name',
    'regarding.uid': 'involvedObject.uid',
    'regarding.apiVersion': 'involvedObject.apiVersion',
    'regarding.resourceVersion': 'involvedObject.resourceVersion',
    'regarding.fieldPath': 'involvedObject.fieldPath',
    reportingController: 'reportingComponent',
  },
  error: notSupported,
};

// Kinds without their own conversion func get runtime.DefaultMetaV1FieldSelectorConversion.
const DEFAULT_RULE: LabelRule = {
  labels: ['metadata.name', 'metadata.namespace'],
  error: (l) => `${JSON.stringify(l)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
};

function ruleFor(kind: string, group: string): LabelRule {
  if (kind === 'Event' && group === 'events.k8s.io') return EVENTS_V1_RULE;
  const coreOrOwn = Object.prototype.hasOwnProperty.call(RULES, kind) ? RULES[kind] : undefined;
  return coreOrOwn ?? DEFAULT_RULE;
}

/**
 * Checks every label is selectable for `kind` (in API `group`, '' for core) and
 * returns the selector with legacy labels translated (`spec.host` →
 * `spec.nodeName`). Throws an Error with Kubernetes' message otherwise; the
 * apiserver answers it as 400 BadRequest.
 */
export function validateFieldSelector(kind: string, sel: FieldSelector, group = ''): FieldSelector {
  const rule = ruleFor(kind, group);
  const requirements = sel.requirements.map((r) => {
    const alias = rule.aliases && Object.prototype.hasOwnProperty.call(rule.aliases, r.field) ? rule.aliases[r.field] : undefined;
    if (alias) return { ...r, field: alias };
    if (!rule.labels.includes(r.field)) throw new Error(rule.error(r.field));
    return r;
  });
  return { requirements };
}
