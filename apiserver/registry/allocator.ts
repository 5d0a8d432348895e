// ClusterIP and NodePort allocation. The allocated sets are rebuilt from the stored
// Services at start-up (the Service object is the durable record of its IP and
// ports), and allocation happens synchronously inside the create decision, so two
// concurrent creates can never get the same address.

export function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  return ((p[0] << 24) >>> 0) + (p[1] << 16) + (p[2] << 8) + p[3];
}

export function intToIp(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr {
  base: number;
  bits: number;
  size: number;
}

export function parseCidr(cidr: string): Cidr {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr.trim());
  if (!m) throw new Error(`invalid CIDR "${cidr}"`);
  const bits = Number(m[2]);
  if (bits < 8 || bits > 30) throw new Error(`CIDR "${cidr}": prefix length must be between 8 and 30`);
  const size = 2 ** (32 - bits);
  const base = Math.floor(ipToInt(m[1]) / size) * size;
  return { base, bits, size };
}

export class AllocationError extends Error {}

/** A range of integers [first, last] with random allocation and explicit reservation. */
export class RangeAllocator {
  private readonly used = new Set<number>();
  constructor(readonly first: number, readonly last: number, private readonly describe: (n: number) => string) {}

  contains(n: number): boolean {
    return n >= this.first && n <= this.last;
  }

  isUsed(n: number): boolean {
    return this.used.has(n);
  }

  /** marks `n` used; throws when outside the range or already taken */
  reserve(n: number): void {
    if (!this.contains(n)) throw new AllocationError(`${this.describe(n)} is not in the valid range`);
    if (this.used.has(n)) throw new AllocationError(`${this.describe(n)} is already allocated`);
    this.used.add(n);
  }

  /** marks `n` used without checks (rebuilding state from stored objects) */
  restore(n: number): void {
    if (this.contains(n)) this.used.add(n);
  }

  allocateNext(): number {
    const span = this.last - this.first + 1;
    if (this.used.size >= span) throw new AllocationError('range is full');
    // random probing like Kubernetes, then a linear scan from there
    const start = this.first + Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const n = this.first + ((start - this.first + i) % span);
      if (!this.used.has(n)) {
        this.used.add(n);
        return n;
      }
    }
    throw new AllocationError('range is full');
  }

  release(n: number): void {
    this.used.delete(n);
  }

  get allocatedCount(): number {
    return this.used.size;
  }
}

/** Service IPs: network and broadcast addresses excluded; the first IP is the `kubernetes` service's. */
export function clusterIpAllocator(cidr: string): { alloc: RangeAllocator; first: string } {
  const c = parseCidr(cidr);
  const alloc = new RangeAllocator(c.base + 1, c.base + c.size - 2, (n) => `provided IP ${intToIp(n)}`);
  return { alloc, first: intToIp(c.base + 1) };
}

export function parsePortRange(range: string): { first: number; last: number } {
  const m = /^(\d+)-(\d+)$/.exec(range.trim());
  if (!m) throw new Error(`invalid port range "${range}" (want e.g. 30000-32767)`);
  const first = Number(m[1]);
  const last = Number(m[2]);
  if (first < 1 || last > 65535 || first > last) throw new Error(`invalid port range "${range}"`);
  return { first, last };
}

export function nodePortAllocator(range: string): RangeAllocator {
  const { first, last } = parsePortRange(range);
  return new RangeAllocator(first, last, (n) => `provided port ${n}`);
}
