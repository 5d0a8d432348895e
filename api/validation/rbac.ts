// rbac.authorization.k8s.io/v1: roles, cluster roles and their bindings.
import type { FieldError } from '../errors.js';
import type { KubeObject, LabelSelector } from '../meta.js';
import { selectorFromLabelSelector, validateLabelSelector } from '../labels.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../names.js';
import { asArray, asRecord, child, goValue, GoLiteral, index, invalid, isRecord, notSupported, required, str } from './field.js';
import { pathSegmentName } from './meta.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function validateRules(obj: KubeObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  asArray(obj.rules).forEach((raw, i) => {
    const rule = asRecord(raw);
    const p = index('rules', i);
    if (asArray(rule.verbs).length === 0) errs.push(required(child(p, 'verbs'), 'verbs must contain at least one value'));
    const urls = asArray<string>(rule.nonResourceURLs);
    if (urls.length > 0) {
      if (namespaced) errs.push(invalid(child(p, 'nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'));
      if (asArray(rule.apiGroups).length > 0 || asArray(rule.resources).length > 0 || asArray(rule.resourceNames).length > 0) {
        errs.push(invalid(child(p, 'nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      return;
    }
    if (asArray(rule.apiGroups).length === 0) errs.push(required(child(p, 'apiGroups'), 'resource rules must supply at least one api group'));
    if (asArray(rule.resources).length === 0) errs.push(required(child(p, 'resources'), 'resource rules must supply at least one resource'));
  });
  return errs;
}

export function validateRole(obj: KubeObject): FieldError[] {
  return validateRules(obj, true);
}

export function validateClusterRole(obj: KubeObject): FieldError[] {
  const errs = validateRules(obj, false);
  if (isRecord(obj.aggregationRule)) {
    const selectors = asArray<LabelSelector>(obj.aggregationRule.clusterRoleSelectors);
    if (selectors.length === 0) {
      errs.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    }
    selectors.forEach((s, i) => {
      const p = index('aggregationRule.clusterRoleSelectors', i);
      errs.push(...validateLabelSelector(s, p));
      try {
        selectorFromLabelSelector(s);
      } catch {
        errs.push(invalid(p, s, 'invalid label selector.'));
      }
    });
  }
  return errs;
}

function validateSubject(raw: unknown, namespaced: boolean, path: string): FieldError[] {
  const s = asRecord(raw);
  const errs: FieldError[] = [];
  const name = str(s.name);
  if (!name) errs.push(required(child(path, 'name')));
  switch (s.kind) {
    case 'ServiceAccount':
      if (name) for (const msg of isDNS1123Subdomain(name)) errs.push(invalid(child(path, 'name'), name, msg));
      if (str(s.apiGroup)) errs.push(notSupported(child(path, 'apiGroup'), s.apiGroup, ['']));
      if (!namespaced && !str(s.namespace)) errs.push(required(child(path, 'namespace')));
      if (str(s.namespace)) for (const msg of isDNS1123Label(str(s.namespace))) errs.push(invalid(child(path, 'namespace'), s.namespace, msg));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== RBAC_GROUP) errs.push(notSupported(child(path, 'apiGroup'), s.apiGroup ?? '', [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(child(path, 'kind'), s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(obj: KubeObject, roleKinds: string[], namespaced: boolean): FieldError[] {
  const ref = asRecord(obj.roleRef);
  const errs: FieldError[] = [];
  if (ref.apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  if (!roleKinds.includes(str(ref.kind))) errs.push(notSupported('roleRef.kind', ref.kind ?? '', roleKinds));
  const name = str(ref.name);
  if (!name) errs.push(required('roleRef.name'));
  else for (const msg of pathSegmentName(name, false)) errs.push(invalid('roleRef.name', name, msg));
  asArray(obj.subjects).forEach((s, i) => errs.push(...validateSubject(s, namespaced, index('subjects', i))));
  return errs;
}

export function validateRoleBinding(obj: KubeObject): FieldError[] {
  return validateBinding(obj, ['Role', 'ClusterRole'], true);
}

export function validateClusterRoleBinding(obj: KubeObject): FieldError[] {
  return validateBinding(obj, ['ClusterRole'], false);
}

/** A binding's roleRef is its identity: to point elsewhere, delete and recreate. */
export function validateBindingUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const a = asRecord(obj.roleRef);
  const b = asRecord(old.roleRef);
  const same = a.apiGroup === b.apiGroup && a.kind === b.kind && a.name === b.name;
  const printed = new GoLiteral(`rbac.RoleRef{APIGroup:${goValue(str(a.apiGroup))}, Kind:${goValue(str(a.kind))}, Name:${goValue(str(a.name))}}`);
  return same ? [] : [invalid('roleRef', printed, 'cannot change roleRef')];
}
