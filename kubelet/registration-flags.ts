// Parsers for the kubelet's --register-with-taints and --node-labels, in
// Kubernetes' syntax, so the Node it registers carries them from its first write
// (a control-plane node is then never schedulable for a moment).
import { isQualifiedName, isValidLabelValue } from '../api/names.js';
import { labelsForbiddenToNodes } from '../api/node-labels.js';
import type { Taint, TaintEffect } from '../api/types/index.js';

const EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function checkKey(flag: string, key: string): void {
  const errs = isQualifiedName(key);
  if (errs.length) throw new Error(`${flag}: invalid key "${key}": ${errs.join('; ')}`);
}

function checkValue(flag: string, value: string): void {
  const errs = isValidLabelValue(value);
  if (errs.length) throw new Error(`${flag}: invalid value "${value}": ${errs.join('; ')}`);
}

/** `key=value:Effect,key:Effect,...` → taints; throws naming the bad entry. */
export function parseTaints(spec: string, flag = '--register-with-taints'): Taint[] {
  const out: Taint[] = [];
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const colon = item.lastIndexOf(':');
    if (colon < 0) throw new Error(`${flag}: "${item}" must look like key=value:Effect or key:Effect`);
    const effect = item.slice(colon + 1);
    if (!(EFFECTS as readonly string[]).includes(effect)) {
      throw new Error(`${flag}: "${item}" has effect "${effect}"; it must be one of ${EFFECTS.join(', ')}`);
    }
    const kv = item.slice(0, colon);
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq);
    checkKey(flag, key);
    const taint: Taint = { key, effect: effect as TaintEffect };
    if (eq >= 0) {
      const value = kv.slice(eq + 1);
      checkValue(flag, value);
      if (value) taint.value = value;
    }
    if (out.some((t) => t.key === taint.key && t.effect === taint.effect)) throw new Error(`${flag}: "${key}:${effect}" is given twice`);
    out.push(taint);
  }
  return out;
}

/**
 * What `kubelite init` passed to the control plane's kubelet before nodes were kept
 * from labelling themselves; it is still in the host.json and kubelite.env of hosts
 * set up then. init now sets that label with the admin credentials, so the kubelet
 * drops this one entry (the caller warns) instead of refusing to start after an upgrade.
 */
export const LEGACY_INIT_NODE_LABEL = 'node-role.kubernetes.io/control-plane=';

/** `spec` without the legacy init label, and whether it was there. */
export function withoutLegacyInitLabel(spec: string): { spec: string; dropped: boolean } {
  const items = spec.split(',').map((s) => s.trim()).filter(Boolean);
  const kept = items.filter((i) => i !== LEGACY_INIT_NODE_LABEL);
  return { spec: kept.join(','), dropped: kept.length !== items.length };
}

/**
 * `k=v,k2=v2` (empty values allowed) → labels. Like the kubelet, refuses labels its
 * node could not set on itself (node-role.kubernetes.io/*, other kubernetes.io and
 * k8s.io labels outside the kubelet's set): the apiserver would refuse them anyway,
 * and an administrator sets them with `kubectl label node`.
 */
export function parseNodeLabels(spec: string, flag = '--node-labels'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new Error(`${flag}: "${item}" must look like key=value`);
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    checkKey(flag, key);
    checkValue(flag, value);
    out[key] = value;
  }
  const forbidden = labelsForbiddenToNodes(Object.keys(out));
  if (forbidden.length) {
    throw new Error(`${flag}: a node may not set ${forbidden.join(', ')} on itself (only labels outside kubernetes.io and k8s.io, `
      + 'the kubelet\'s own such as kubernetes.io/hostname, and kubelet.kubernetes.io/* or node.kubernetes.io/*); set it with kubectl label node');
  }
  return out;
}
