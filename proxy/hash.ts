// Chain names hashed the way kube-proxy hashes them, so an iptables listing reads
// the same as on a kube-proxy node and names stay stable across restarts.
import { createHash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (Go's base32.StdEncoding) without padding. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** kube-proxy's portProtoHash: first 16 base32 chars of sha256(servicePortName + protocol [+ endpoint]). */
export function portProtoHash(servicePortName: string, protocol: string, endpoint = ''): string {
  return base32(createHash('sha256').update(servicePortName + protocol + endpoint).digest()).slice(0, 16);
}
