// Apply conflicts and the 409 message/causes Kubernetes answers with.

import type { StatusCause } from '../../api/meta.js';

export interface ApplyConflict {
  manager: string;
  /** Path as Kubernetes prints it: `.spec.replicas`, `.spec.template.spec.containers[name="nginx"].image`. */
  field: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  subresource?: string;
}

function printManager(c: ApplyConflict): string {
  let out = JSON.stringify(c.manager);
  if (c.subresource) out += ` with subresource ${JSON.stringify(c.subresource)}`;
  if (c.operation === 'Update') out += c.time ? ` using ${c.apiVersion} at ${c.time}` : ` using ${c.apiVersion}`;
  return out;
}

/** The 409 message Kubernetes gives, e.g. `Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas`. */
export function conflictMessage(conflicts: readonly ApplyConflict[]): string {
  if (conflicts.length === 1) {
    return `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0])}: ${conflicts[0].field}`;
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const who = printManager(c);
    byManager.set(who, [...(byManager.get(who) ?? []), c.field]);
  }
  const lines: string[] = [];
  for (const who of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${who}:`, ...(byManager.get(who) ?? []).map((f) => `- ${f}`));
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** Status `details.causes` for a 409 apply conflict. */
export function conflictCauses(conflicts: readonly ApplyConflict[]): StatusCause[] {
  return conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c)}`, field: c.field }));
}
