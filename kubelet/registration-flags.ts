// Parsers for the kubelet's --register-with-taints and --node-labels, in
// Kubernetes' syntax, so the Node it registers carries them from its first write
// (a control-plane node is then never schedulable for a moment).
import { isQualifiedName, isValidLabelValue } from '../api/names.js';
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

/** `k=v,k2=v2` (an empty value is allowed: `node-role.kubernetes.io/control-plane=`) → labels. */
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
  return out;
}
