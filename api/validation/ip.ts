// IP rules beyond "parses": Endpoints and externalIPs may not point at special ranges.
import { isIP } from 'node:net';
import type { FieldError } from '../errors.js';
import { isValidIP, parsesAsIP } from '../names.js';
import { invalid } from './field.js';

function ipv4Octets(ip: string): number[] {
  return ip.split('.').map((o) => Number(o));
}

/** Expands `fe80::1` to eight 16-bit groups. */
function ipv6Groups(ip: string): number[] {
  let s = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const [a, b, c, d] = ipv4Octets(v4[1]);
    s = s.slice(0, -v4[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}

type Special = 'unspecified' | 'loopback' | 'link-local' | 'link-local-multicast';

function specialKind(ip: string): Special | undefined {
  if (isIP(ip) === 6) {
    const g = ipv6Groups(ip);
    if (g.every((x) => x === 0)) return 'unspecified';
    if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback';
    // IPv4-mapped addresses behave as their IPv4 form.
    if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
      return specialKind(`${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`);
    }
    if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
    if ((g[0] & 0xff0f) === 0xff02) return 'link-local-multicast';
    return undefined;
  }
  const [a, b, c] = ipv4Octets(ip);
  if (ip.split('.').every((o) => Number(o) === 0)) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 224 && b === 0 && c === 0) return 'link-local-multicast';
  return undefined;
}

/** ValidateNonSpecialIP: a routable unicast address. */
export function validateNonSpecialIP(ip: string, field: string): FieldError[] {
  if (!parsesAsIP(ip)) return [invalid(field, ip, 'must be a valid IP address')];
  switch (specialKind(ip)) {
    case 'unspecified':
      return [invalid(field, ip, `may not be unspecified (${ip})`)];
    case 'loopback':
      return [invalid(field, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)')];
    case 'link-local':
      return [invalid(field, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)')];
    case 'link-local-multicast':
      return [invalid(field, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)')];
    default:
      return [];
  }
}

export function validateIP(ip: string, field: string): FieldError[] {
  return isValidIP(ip).map((msg) => invalid(field, ip, msg));
}
