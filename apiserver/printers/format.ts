// Formatting helpers shared by several printers, mirroring apimachinery's
// labels.FormatLabels / metav1.FormatLabelSelector and the printers' own helpers.

import { list, record, str } from './accessors.js';

/** labels.FormatLabels: sorted `k=v` joined by `,`; `<none>` when empty. */
export function formatLabels(labels: unknown): string {
  const map = record(labels);
  const keys = Object.keys(map).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${typeof map[k] === 'string' ? map[k] : ''}`).join(',');
}

interface Requirement {
  key: string;
  text: string;
}

function requirementText(key: string, operator: string, values: string[]): string | undefined {
  const sorted = [...values].sort().join(',');
  switch (operator) {
    case 'In':
      return `${key} in (${sorted})`;
    case 'NotIn':
      return `${key} notin (${sorted})`;
    case 'Exists':
      return key;
    case 'DoesNotExist':
      return `!${key}`;
    default:
      return undefined;
  }
}

/**
 * labels.Selector.String() of metav1.LabelSelectorAsSelector: requirements sorted by
 * key; '' for a nil or empty selector, `<error>` for an invalid operator.
 */
export function labelSelectorString(selector: unknown): string {
  const reqs: Requirement[] = [];
  const matchLabels = record(selector, 'matchLabels');
  for (const key of Object.keys(matchLabels)) reqs.push({ key, text: `${key}=${str(matchLabels, key)}` });
  for (const expr of list(selector, 'matchExpressions')) {
    const key = str(expr, 'key');
    const values = list(expr, 'values').filter((v): v is string => typeof v === 'string');
    const text = requirementText(key, str(expr, 'operator'), values);
    if (text === undefined) return '<error>';
    reqs.push({ key, text });
  }
  // Stable sort by key, as the Go implementation sorts requirements by key only.
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: like labelSelectorString but `<none>` when empty. */
export function formatLabelSelector(selector: unknown): string {
  const s = labelSelectorString(selector);
  return s === '' ? '<none>' : s;
}

/** The printers' layoutContainerCells: names and images, each joined by `,`. */
export function layoutContainerCells(containers: unknown): [names: string, images: string] {
  const items = Array.isArray(containers) ? containers : [];
  return [items.map((c) => str(c, 'name')).join(','), items.map((c) => str(c, 'image')).join(',')];
}

/** Go's net.JoinHostPort: brackets around IPv6 literals. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Go's printBoolPtr. */
export function printBoolPtr(value: unknown): string {
  if (typeof value !== 'boolean') return '<unset>';
  return value ? 'True' : 'False';
}

/** `a,b,c + N more...` used by endpoints and similar columns. */
export function withMore(shown: string[], total: number, max: number): string {
  const joined = shown.join(',');
  return total > max ? `${joined} + ${total - max} more...` : joined;
}

/** GetAccessModesAsString: fixed order, duplicates removed. */
export function accessModesString(modes: unknown): string {
  const present = new Set(list(modes).filter((m): m is string => typeof m === 'string'));
  const out: string[] = [];
  if (present.has('ReadWriteOnce')) out.push('RWO');
  if (present.has('ReadOnlyMany')) out.push('ROX');
  if (present.has('ReadWriteMany')) out.push('RWX');
  if (present.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}
