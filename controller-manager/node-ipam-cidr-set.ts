// The cluster CIDR cut into equal node subnets, with a record of which are taken
// (Kubernetes' cidrset). IPv4; allocation rotates onward from the last handed
// out subnet, so a freshly released one is not reused at once while routes to
// it may still linger on other hosts.

export class CidrExhaustedError extends Error {
  constructor(clusterCidr: string, maskSize: number) {
    super(`no /${maskSize} subnet of ${clusterCidr} is free`);
    this.name = 'CidrExhaustedError';
  }
}

interface Parsed {
  base: number;
  prefix: number;
}

/** `10.244.1.0/24` → network address as an unsigned 32-bit number and prefix length; throws when invalid. */
export function parseCidr(cidr: string): Parsed {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) throw new Error(`"${cidr}" is not an IPv4 CIDR`);
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) throw new Error(`"${cidr}" is not an IPv4 CIDR`);
  const addr = (((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0);
  return { base: (addr & maskOf(prefix)) >>> 0, prefix };
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function formatCidr(base: number, prefix: number): string {
  return `${base >>> 24}.${(base >>> 16) & 255}.${(base >>> 8) & 255}.${base & 255}/${prefix}`;
}

export class CidrSet {
  readonly clusterCidr: string;
  private readonly base: number;
  private readonly prefix: number;
  readonly maskSize: number;
  readonly size: number;
  private readonly used: Uint8Array;
  private usedCount = 0;
  private next = 0;

  constructor(clusterCidr: string, maskSize: number) {
    const p = parseCidr(clusterCidr);
    if (!Number.isInteger(maskSize) || maskSize < p.prefix || maskSize > 32) {
      throw new Error(`--node-cidr-mask-size ${maskSize} must be between the cluster CIDR's prefix (${p.prefix}) and 32`);
    }
    // Same cap as Kubernetes: a bitmap of more than 2^16 node subnets is a typo.
    if (maskSize - p.prefix > 16) {
      throw new Error(`--node-cidr-mask-size ${maskSize} would cut ${clusterCidr} into more than 65536 subnets`);
    }
    this.clusterCidr = formatCidr(p.base, p.prefix);
    this.base = p.base;
    this.prefix = p.prefix;
    this.maskSize = maskSize;
    this.size = 2 ** (maskSize - p.prefix);
    this.used = new Uint8Array(this.size);
  }

  get free(): number {
    return this.size - this.usedCount;
  }

  /** The next free subnet, marked as used; throws CidrExhaustedError when none is left. */
  allocate(): string {
    for (let i = 0; i < this.size; i++) {
      const idx = (this.next + i) % this.size;
      if (this.used[idx]) continue;
      this.mark(idx, true);
      this.next = (idx + 1) % this.size;
      return this.cidrAt(idx);
    }
    throw new CidrExhaustedError(this.clusterCidr, this.maskSize);
  }

  /**
   * Marks every node subnet a CIDR overlaps as used (a kubelet may have set one
   * of another size). Returns false when the CIDR lies outside the cluster CIDR
   * or is not IPv4, which is not ours to track.
   */
  occupy(cidr: string): boolean {
    const r = this.range(cidr);
    if (!r) return false;
    for (let i = r.from; i <= r.to; i++) this.mark(i, true);
    return true;
  }

  release(cidr: string): void {
    const r = this.range(cidr);
    if (!r) return;
    for (let i = r.from; i <= r.to; i++) this.mark(i, false);
  }

  isUsed(cidr: string): boolean {
    const r = this.range(cidr);
    if (!r) return false;
    for (let i = r.from; i <= r.to; i++) if (this.used[i]) return true;
    return false;
  }

  private mark(idx: number, used: boolean): void {
    const was = this.used[idx] === 1;
    if (was === used) return;
    this.used[idx] = used ? 1 : 0;
    this.usedCount += used ? 1 : -1;
  }

  private cidrAt(idx: number): string {
    return formatCidr((this.base + idx * 2 ** (32 - this.maskSize)) >>> 0, this.maskSize);
  }

  /** Indices of the node subnets a CIDR overlaps, or undefined when it lies outside the cluster CIDR. */
  private range(cidr: string): { from: number; to: number } | undefined {
    let p: Parsed;
    try {
      p = parseCidr(cidr);
    } catch {
      return undefined;
    }
    const clusterMask = maskOf(this.prefix);
    if (p.prefix < this.prefix) {
      // Wider than the cluster: overlaps all of it if it contains it.
      return ((this.base & maskOf(p.prefix)) >>> 0) === p.base ? { from: 0, to: this.size - 1 } : undefined;
    }
    if (((p.base & clusterMask) >>> 0) !== this.base) return undefined;
    const step = 2 ** (32 - this.maskSize);
    const from = Math.floor((p.base - this.base) / step);
    const span = p.prefix >= this.maskSize ? 1 : 2 ** (this.maskSize - p.prefix);
    return { from, to: Math.min(this.size - 1, from + span - 1) };
  }
}
