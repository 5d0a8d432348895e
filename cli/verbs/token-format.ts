// What `kubelite token` prints: kubeadm's `token list` table and join command.
import type { BootstrapTokenInfo } from '../../api/bootstrap-token.js';
import { formatTime } from '../../api/time.js';

/** apimachinery's duration.ShortHumanDuration, as kubeadm's TTL column uses. */
export function shortHumanDuration(ms: number): string {
  const s = Math.trunc(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 60) return `${s}s`;
  const m = Math.trunc(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.trunc(m / 60);
  if (h < 24) return `${h}h`;
  if (h < 24 * 365) return `${Math.trunc(h / 24)}d`;
  return `${Math.trunc(h / 24 / 365)}y`;
}

export const TOKEN_LIST_HEADER = ['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS'];

export function tokenListRows(tokens: readonly BootstrapTokenInfo[], now: Date): string[][] {
  const sorted = [...tokens].sort((a, b) => a.id.localeCompare(b.id));
  return [
    TOKEN_LIST_HEADER,
    ...sorted.map((t) => [
      `${t.id}.${t.secret}`,
      t.expires ? (t.expired ? '<invalid>' : shortHumanDuration(t.expires.getTime() - now.getTime())) : '<forever>',
      t.expires ? formatTime(t.expires.getTime()) : '<never>',
      t.usages.join(','),
      t.description || '<none>',
      t.groups.join(',') || '<none>',
    ]),
  ];
}

/** `host:port` of the apiserver URL a joining node should dial. */
export function serverEndpoint(server: string): string {
  let u: URL;
  try {
    u = new URL(server);
  } catch {
    throw new Error(`the kubeconfig's server "${server}" is not a URL`);
  }
  if (u.protocol !== 'https:') throw new Error(`the kubeconfig's server "${server}" is not https: a joining node needs TLS`);
  return `${u.hostname.includes(':') && !u.hostname.startsWith('[') ? `[${u.hostname}]` : u.hostname}:${u.port || '443'}`;
}

export function joinCommand(endpoint: string, token: string, caHash: string): string {
  return `kubelite join ${endpoint} --token ${token} --discovery-token-ca-cert-hash ${caHash}`;
}
