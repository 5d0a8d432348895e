// Endpoints rows: a port of printEndpoints/formatEndpoints.

import type { KubeObject } from '../../api/meta.js';
import { list, num, str } from './accessors.js';
import { AGE, NAME, col } from './columns.js';
import { translateTimestampSince } from './duration.js';
import { joinHostPort } from './format.js';
import type { Printer } from './types.js';

const MAX_SHOWN = 3;

/** First three `ip:port` (or bare IPs for port-less subsets), then ` + N more...`. */
export function formatEndpoints(endpoints: KubeObject): string {
  const subsets = list(endpoints, 'subsets');
  if (subsets.length === 0) return '<none>';
  const shown: string[] = [];
  let more = false;
  let count = 0;
  const add = (text: string): boolean => {
    if (shown.length === MAX_SHOWN) {
      more = true;
      return false;
    }
    shown.push(text);
    return true;
  };
  for (const ss of subsets) {
    const addresses = list(ss, 'addresses');
    const ports = list(ss, 'ports');
    if (ports.length === 0) {
      // Headless services may have no ports.
      count += addresses.length;
      for (const a of addresses) if (!add(str(a, 'ip'))) break;
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) if (!add(joinHostPort(str(a, 'ip'), num(p, 'port')))) break;
    }
  }
  const joined = shown.join(',');
  return more ? `${joined} + ${count - MAX_SHOWN} more...` : joined;
}

export const endpointsPrinter: Printer = {
  columns: [NAME, col('Endpoints', 'The set of all endpoints is the union of all subsets.'), AGE],
  cells(ep, now) {
    return [ep.metadata.name ?? '', formatEndpoints(ep), translateTimestampSince(ep.metadata.creationTimestamp, now)];
  },
};
