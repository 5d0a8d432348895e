// Pod scheduling directives: affinity, tolerations, topology spread, DNS config.
import type { FieldError } from '../errors.js';
import { validateLabelName, validateLabelSelector } from '../labels.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIP, isValidLabelValue } from '../names.js';
import { asArray, asRecord, child, duplicate, forbidden, index, invalid, isRecord, notSupported, required, str } from './field.js';

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateTaintEffect(effect: unknown, allowEmpty: boolean, field: string): FieldError[] {
  if (!allowEmpty && !effect) return [required(field)];
  return TAINT_EFFECTS.includes(String(effect)) ? [] : [notSupported(field, effect, TAINT_EFFECTS)];
}

export function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArray(tolerations).forEach((raw, i) => {
    const t = asRecord(raw);
    const p = index(path, i);
    const k = str(t.key);
    const op = t.operator ?? '';
    if (k) errs.push(...validateLabelName(k, child(p, 'key')));
    if (!k && op !== 'Exists') {
      errs.push(invalid(child(p, 'operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      errs.push(invalid(child(p, 'effect'), t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(str(t.value));
      if (msgs.length > 0) errs.push(invalid(child(p, 'operator'), str(t.value), msgs.join(';')));
    } else if (op === 'Exists') {
      if (str(t.value)) errs.push(invalid(child(p, 'operator'), t, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(child(p, 'operator'), op, ['Equal', 'Exists']));
    }
    if (t.effect) errs.push(...validateTaintEffect(t.effect, true, child(p, 'effect')));
  });
  return errs;
}

// ---------------------------------------------------------------- affinity

function validateNodeSelectorRequirement(raw: unknown, path: string): FieldError[] {
  const r = asRecord(raw);
  const errs: FieldError[] = [];
  const values = asArray(r.values);
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(child(path, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(required(child(path, 'values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(child(path, 'operator'), r.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(str(r.key), child(path, 'key')));
  return errs;
}

function validateNodeSelectorTerm(raw: unknown, path: string): FieldError[] {
  const t = asRecord(raw);
  const errs: FieldError[] = [];
  asArray(t.matchExpressions).forEach((r, j) => errs.push(...validateNodeSelectorRequirement(r, index(child(path, 'matchExpressions'), j))));
  asArray(t.matchFields).forEach((r, j) => {
    const p = index(child(path, 'matchFields'), j);
    const f = asRecord(r);
    if (f.key !== 'metadata.name') errs.push(invalid(child(p, 'key'), f.key ?? '', 'not a valid field selector key'));
    if (!['In', 'NotIn'].includes(String(f.operator))) errs.push(invalid(child(p, 'operator'), f.operator ?? '', 'not a valid selector operator'));
    if (asArray(f.values).length !== 1) errs.push(required(child(p, 'values'), 'must be only one value when `operator` is \'In\' or \'NotIn\' for node field selector'));
  });
  return errs;
}

/** A node selector as used by required node affinity and PV node affinity. */
export function validateNodeSelector(raw: unknown, path: string): FieldError[] {
  const terms = asArray(asRecord(raw).nodeSelectorTerms);
  if (terms.length === 0) return [required(child(path, 'nodeSelectorTerms'), 'must have at least one node selector term')];
  return terms.flatMap((t, i) => validateNodeSelectorTerm(t, index(child(path, 'nodeSelectorTerms'), i)));
}

function validateWeight(w: unknown, field: string): FieldError[] {
  return typeof w === 'number' && w >= 1 && w <= 100 ? [] : [invalid(field, w ?? 0, 'must be in the range 1-100')];
}

function validatePodAffinityTerm(raw: unknown, path: string): FieldError[] {
  const t = asRecord(raw);
  const errs: FieldError[] = [];
  errs.push(...validateLabelSelector(isRecord(t.labelSelector) ? t.labelSelector : undefined, child(path, 'labelSelector')));
  errs.push(...validateLabelSelector(isRecord(t.namespaceSelector) ? t.namespaceSelector : undefined, child(path, 'namespaceSelector')));
  for (const ns of asArray<string>(t.namespaces)) {
    for (const msg of isDNS1123Label(str(ns))) errs.push(invalid(child(path, 'namespace'), ns, msg));
  }
  const topologyKey = str(t.topologyKey);
  if (!topologyKey) errs.push(required(child(path, 'topologyKey'), 'can not be empty'));
  else errs.push(...validateLabelName(topologyKey, child(path, 'topologyKey')));
  return errs;
}

function validatePodAffinity(raw: unknown, path: string): FieldError[] {
  const a = asRecord(raw);
  const errs: FieldError[] = [];
  const req = child(path, 'requiredDuringSchedulingIgnoredDuringExecution');
  asArray(a.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => errs.push(...validatePodAffinityTerm(t, index(req, i))));
  const pref = child(path, 'preferredDuringSchedulingIgnoredDuringExecution');
  asArray(a.preferredDuringSchedulingIgnoredDuringExecution).forEach((raw2, i) => {
    const w = asRecord(raw2);
    errs.push(...validateWeight(w.weight, child(index(pref, i), 'weight')));
    errs.push(...validatePodAffinityTerm(w.podAffinityTerm, child(index(pref, i), 'podAffinityTerm')));
  });
  return errs;
}

export function validateAffinity(raw: unknown, path: string): FieldError[] {
  if (!isRecord(raw)) return [];
  const errs: FieldError[] = [];
  const na = asRecord(raw.nodeAffinity);
  if (isRecord(na.requiredDuringSchedulingIgnoredDuringExecution)) {
    errs.push(...validateNodeSelector(na.requiredDuringSchedulingIgnoredDuringExecution,
      child(path, 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution')));
  }
  const pref = child(path, 'nodeAffinity', 'preferredDuringSchedulingIgnoredDuringExecution');
  asArray(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((raw2, i) => {
    const t = asRecord(raw2);
    errs.push(...validateWeight(t.weight, child(index(pref, i), 'weight')));
    errs.push(...validateNodeSelectorTerm(t.preference, child(index(pref, i), 'preference')));
  });
  if (raw.podAffinity) errs.push(...validatePodAffinity(raw.podAffinity, child(path, 'podAffinity')));
  if (raw.podAntiAffinity) errs.push(...validatePodAffinity(raw.podAntiAffinity, child(path, 'podAntiAffinity')));
  return errs;
}

// ---------------------------------------------------------------- topology spread

const WHEN_UNSATISFIABLE = ['DoNotSchedule', 'ScheduleAnyway'];
const SPREAD_POLICIES = ['Honor', 'Ignore'];

export function validateTopologySpreadConstraints(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = asArray(raw).map((c) => asRecord(c));
  list.forEach((c, i) => {
    const p = index(path, i);
    if (typeof c.maxSkew !== 'number' || c.maxSkew <= 0) errs.push(invalid(child(p, 'maxSkew'), c.maxSkew ?? 0, 'must be greater than zero'));
    const topologyKey = str(c.topologyKey);
    if (!topologyKey) errs.push(required(child(p, 'topologyKey'), 'can not be empty'));
    else for (const msg of isQualifiedName(topologyKey)) errs.push(invalid(child(p, 'topologyKey'), topologyKey, msg));
    const when = str(c.whenUnsatisfiable);
    if (!WHEN_UNSATISFIABLE.includes(when)) errs.push(notSupported(child(p, 'whenUnsatisfiable'), when, WHEN_UNSATISFIABLE));
    const repeated = list.slice(i + 1).some((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable);
    if (repeated) errs.push(duplicate(child(p, '{topologyKey, whenUnsatisfiable}'), `{${topologyKey}, ${when}}`));
    if (c.minDomains !== undefined && c.minDomains !== null) {
      if (typeof c.minDomains !== 'number' || c.minDomains <= 0) errs.push(invalid(child(p, 'minDomains'), c.minDomains, 'must be greater than 0'));
      else if (when !== 'DoNotSchedule') {
        errs.push(invalid(child(p, 'minDomains'), c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${when}`));
      }
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      if (c[f] !== undefined && !SPREAD_POLICIES.includes(String(c[f]))) errs.push(notSupported(child(p, f), c[f], SPREAD_POLICIES));
    }
    errs.push(...validateLabelSelector(isRecord(c.labelSelector) ? c.labelSelector : undefined, child(p, 'labelSelector')));
  });
  return errs;
}

// ---------------------------------------------------------------- DNS

const MAX_NAMESERVERS = 3;
const MAX_SEARCH_PATHS = 32;
const MAX_SEARCH_CHARS = 2048;

export function validatePodDNSConfig(raw: unknown, dnsPolicy: unknown, path: string): FieldError[] {
  if (dnsPolicy === 'None') {
    if (!isRecord(raw)) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (asArray(raw.nameservers).length === 0) {
      return [required(child(path, 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
    }
  }
  if (!isRecord(raw)) return [];
  const errs: FieldError[] = [];
  const nameservers = asArray<string>(raw.nameservers);
  if (nameservers.length > MAX_NAMESERVERS) {
    errs.push(invalid(child(path, 'nameservers'), nameservers, `must not have more than ${MAX_NAMESERVERS} nameservers`));
  }
  nameservers.forEach((ns, i) => {
    for (const msg of isValidIP(str(ns))) errs.push(invalid(index(child(path, 'nameservers'), i), ns, msg));
  });
  const searches = asArray<string>(raw.searches);
  if (searches.length > MAX_SEARCH_PATHS) {
    errs.push(invalid(child(path, 'searches'), searches, `must not have more than ${MAX_SEARCH_PATHS} search paths`));
  }
  if (searches.join(' ').length > MAX_SEARCH_CHARS) {
    errs.push(invalid(child(path, 'searches'), searches, `must not have more than ${MAX_SEARCH_CHARS} characters (including spaces) in the search list`));
  }
  searches.forEach((s, i) => {
    const trimmed = str(s).replace(/\.$/, '');
    if (str(s) === '.') return;
    for (const msg of isDNS1123Subdomain(trimmed)) errs.push(invalid(index(child(path, 'searches'), i), trimmed, msg));
  });
  asArray(raw.options).forEach((o, i) => {
    if (!str(asRecord(o).name)) errs.push(required(index(child(path, 'options'), i), 'Option.Name must not be empty'));
  });
  return errs;
}
