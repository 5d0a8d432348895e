// IPv4 CIDR arithmetic for choosing the cluster's well-known addresses.

export interface Cidr {
  /** network address as an unsigned 32-bit number */
  base: number;
  bits: number;
}

export function ipToInt(ip: string): number {
  const p = ip.split('.');
  if (p.length !== 4 || p.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255)) throw new Error(`"${ip}" is not an IPv4 address`);
  return p.reduce((n, o) => ((n << 8) | Number(o)) >>> 0, 0);
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function isIPv4(ip: string): boolean {
  try {
    ipToInt(ip);
    return true;
  } catch {
    return false;
  }
}

export function parseCidr(cidr: string, flag = 'CIDR'): Cidr {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr.trim());
  if (!m || !isIPv4(m[1]) || Number(m[2]) > 32) throw new Error(`${flag}: "${cidr}" is not an IPv4 CIDR like 10.96.0.0/12`);
  const bits = Number(m[2]);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (ipToInt(m[1]) & mask) >>> 0, bits };
}

/** The n-th address of a range: `nthAddress('10.96.0.0/12', 10)` → 10.96.0.10 (the DNS Service). */
export function nthAddress(cidr: string, n: number): string {
  const c = parseCidr(cidr);
  if (n < 0 || n >= 2 ** (32 - c.bits)) throw new Error(`${cidr} has no address number ${n}`);
  return intToIp((c.base + n) >>> 0);
}

export function cidrContains(cidr: string, ip: string): boolean {
  const c = parseCidr(cidr);
  const mask = c.bits === 0 ? 0 : (0xffffffff << (32 - c.bits)) >>> 0;
  return ((ipToInt(ip) & mask) >>> 0) === c.base;
}

export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  const bits = Math.min(x.bits, y.bits);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((x.base & mask) >>> 0) === ((y.base & mask) >>> 0);
}

/** Per-node pod subnets are /24 unless the cluster range is smaller than that (a test's /26 is one node's). */
export function nodeCidrMaskSize(clusterCidr: string): number {
  const c = parseCidr(clusterCidr);
  if (c.bits > 30) throw new Error(`--cluster-cidr ${clusterCidr} is too small for pods (at most /30)`);
  return Math.max(24, c.bits);
}
