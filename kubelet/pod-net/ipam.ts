// Pod IPs on the kubelet's own bridge. The record of which IP a sandbox holds is
// the sandbox container's own label (set at creation), so the allocator's state
// can always be rebuilt from `docker ps`: nothing on disk can disagree with Docker.
// Like CNI's host-local, it hands addresses out round-robin so a freed IP is not
// reused at once (a client may still hold connections to the old pod).

/** IPv4 dotted quad → 32-bit unsigned. */
export function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new Error(`invalid IPv4 address "${ip}"`);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Network and broadcast address of any IPv4 CIDR, as integers. */
export function cidrBounds(cidr: string): readonly [number, number] {
  const [addr, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new Error(`invalid IPv4 CIDR "${cidr}"`);
  const size = 2 ** (32 - bits);
  const n = ipToInt(addr ?? '');
  const base = n - (n % size);
  return [base, base + size - 1];
}

/** First and last address a pod may get in `cidr`: network, gateway (.1) and broadcast are excluded. */
export function podRange(cidr: string): { first: number; last: number; prefix: number } {
  const [addr, bitsText] = cidr.split('/');
  const prefix = Number(bitsText);
  if (!Number.isInteger(prefix) || prefix < 8 || prefix > 29) throw new Error(`pod CIDR "${cidr}" must be an IPv4 /8../29`);
  const size = 2 ** (32 - prefix);
  const base = ipToInt(addr ?? '') - (ipToInt(addr ?? '') % size);
  return { first: base + 2, last: base + size - 2, prefix };
}

/**
 * The next address after `after` (wrapping) that is not in `used`, or undefined
 * when the range is full.
 */
export function nextFreeIP(cidr: string, used: ReadonlySet<string>, after?: string): string | undefined {
  const { first, last } = podRange(cidr);
  const count = last - first + 1;
  let start = first;
  if (after) {
    const a = ipToInt(after);
    if (a >= first && a <= last) start = a === last ? first : a + 1;
  }
  for (let i = 0; i < count; i++) {
    const n = first + ((start - first + i) % count);
    const ip = intToIp(n);
    if (!used.has(ip)) return ip;
  }
  return undefined;
}

/** In-memory view of the IPs sandboxes hold, plus reservations for sandboxes being created. */
export class PodIPAllocator {
  /** ip → sandbox container id, or a reservation token while the container is created */
  private readonly holders = new Map<string, string>();
  private last?: string;

  constructor(private readonly cidr: string) {}

  /** Reserves an IP for a sandbox about to be created; `token` is replaced by the container id via bind(). */
  reserve(token: string): string {
    const ip = nextFreeIP(this.cidr, new Set(this.holders.keys()), this.last);
    if (!ip) throw new Error(`no free pod IP left in ${this.cidr} (${this.holders.size} in use)`);
    this.holders.set(ip, token);
    this.last = ip;
    return ip;
  }

  bind(ip: string, containerId: string): void {
    this.holders.set(ip, containerId);
  }

  /** Frees the IP held by a container id or reservation token; returns it when there was one. */
  release(holder: string): string | undefined {
    for (const [ip, h] of this.holders) {
      if (h === holder) {
        this.holders.delete(ip);
        return ip;
      }
    }
    return undefined;
  }

  /**
   * Rebuilds the view from the sandboxes Docker has (any state): addresses of
   * removed containers are freed; pending reservations (`isPending`) are kept.
   */
  resync(sandboxes: ReadonlyArray<{ id: string; ip?: string }>, isPending: (holder: string) => boolean): void {
    const live = new Map<string, string>();
    for (const s of sandboxes) if (s.ip) live.set(s.ip, s.id);
    for (const [ip, h] of this.holders) if (isPending(h) && !live.has(ip)) live.set(ip, h);
    this.holders.clear();
    for (const [ip, h] of live) this.holders.set(ip, h);
  }

  holderOf(ip: string): string | undefined {
    return this.holders.get(ip);
  }

  get size(): number {
    return this.holders.size;
  }
}
