// Bootstrap tokens as kubeadm stores them: `<id>.<secret>` backed by a Secret
// `bootstrap-token-<id>` in kube-system. The apiserver authenticates with them, the
// controller-manager cleans expired ones and the CLI creates, lists and deletes them,
// so the wire shape lives here once.
import { randomInt } from 'node:crypto';
import type { Secret } from './types/core.js';
import { formatTime } from './time.js';

export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
export const BOOTSTRAP_TOKEN_SECRET_PREFIX = 'bootstrap-token-';
export const BOOTSTRAP_TOKEN_NAMESPACE = 'kube-system';
export const BOOTSTRAP_USER_PREFIX = 'system:bootstrap:';
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
export const DEFAULT_NODE_TOKEN_GROUP = 'system:bootstrappers:kubelite:default-node-token';
/** kubeadm's default: a token that lives a day. */
export const DEFAULT_TOKEN_TTL_SECONDS = 24 * 3600;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const ID_RE = /^[a-z0-9]{6}$/;

export interface ParsedBootstrapToken {
  id: string;
  secret: string;
}

export interface BootstrapTokenInfo extends ParsedBootstrapToken {
  expires?: Date;
  expired: boolean;
  /** `authentication`, `signing` — the `usage-bootstrap-*` keys set to "true" */
  usages: string[];
  /** auth-extra-groups */
  groups: string[];
  description?: string;
}

export interface BootstrapTokenOptions {
  /** 0 or undefined: never expires */
  ttlSeconds?: number;
  description?: string;
  now?: Date;
  usages?: string[];
  groups?: string[];
}

function randomString(n: number): string {
  // randomInt is uniform (rejection sampling), unlike `byte % 36`.
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export function generateBootstrapToken(): string {
  return `${randomString(6)}.${randomString(16)}`;
}

export function parseBootstrapToken(s: string): ParsedBootstrapToken | undefined {
  const m = TOKEN_RE.exec(s.trim());
  return m ? { id: m[1], secret: m[2] } : undefined;
}

export function isBootstrapTokenId(s: string): boolean {
  return ID_RE.test(s);
}

export function bootstrapTokenSecretName(id: string): string {
  return BOOTSTRAP_TOKEN_SECRET_PREFIX + id;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string | undefined) => (s === undefined ? undefined : Buffer.from(s, 'base64').toString('utf8'));

export function bootstrapTokenSecret(token: string, opts: BootstrapTokenOptions = {}): Secret {
  const parsed = parseBootstrapToken(token);
  if (!parsed) throw new Error(`invalid bootstrap token "${token}": expected the form [a-z0-9]{6}.[a-z0-9]{16}`);
  const data: Record<string, string> = {
    'token-id': b64(parsed.id),
    'token-secret': b64(parsed.secret),
  };
  if (opts.ttlSeconds && opts.ttlSeconds > 0) {
    const now = opts.now ?? new Date();
    data.expiration = b64(formatTime(now.getTime() + opts.ttlSeconds * 1000));
  }
  for (const u of opts.usages ?? ['authentication', 'signing']) data[`usage-bootstrap-${u}`] = b64('true');
  data['auth-extra-groups'] = b64((opts.groups ?? [DEFAULT_NODE_TOKEN_GROUP]).join(','));
  if (opts.description) data.description = b64(opts.description);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: bootstrapTokenSecretName(parsed.id), namespace: BOOTSTRAP_TOKEN_NAMESPACE },
    type: BOOTSTRAP_TOKEN_SECRET_TYPE,
    data,
  };
}

/**
 * The token a Secret holds, or undefined when it is not a well-formed bootstrap token
 * Secret (wrong type, name not matching the id, malformed id/secret). An unparsable
 * expiration counts as expired: a token must never outlive what its author meant.
 */
export function readBootstrapTokenSecret(secret: Secret, now: Date): BootstrapTokenInfo | undefined {
  if (secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE) return undefined;
  const data = secret.data ?? {};
  const id = unb64(data['token-id']);
  const sec = unb64(data['token-secret']);
  if (!id || !sec || !parseBootstrapToken(`${id}.${sec}`)) return undefined;
  if (secret.metadata.name !== bootstrapTokenSecretName(id)) return undefined;
  const exp = unb64(data.expiration);
  let expires: Date | undefined;
  let expired = false;
  if (exp) {
    expires = new Date(exp);
    expired = Number.isNaN(expires.getTime()) || expires.getTime() <= now.getTime();
  }
  const usages = Object.keys(data)
    .filter((k) => k.startsWith('usage-bootstrap-') && unb64(data[k]) === 'true')
    .map((k) => k.slice('usage-bootstrap-'.length))
    .sort();
  const groups = (unb64(data['auth-extra-groups']) ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  const description = unb64(data.description);
  return { id, secret: sec, expires, expired, usages, groups, ...(description ? { description } : {}) };
}

const UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** A Go duration (`24h`, `1h30m`, `90s`, `0`) as whole seconds, for --ttl / --token-ttl. */
export function parseTokenTtl(s: string): number {
  const v = s.trim();
  if (v === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    total += Number(m[1]) * UNITS[m[2]];
    pos = re.lastIndex;
  }
  if (pos === 0 || pos !== v.length) throw new Error(`time: invalid duration "${s}"`);
  return Math.round(total);
}
