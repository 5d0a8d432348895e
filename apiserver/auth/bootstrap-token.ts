// Bootstrap-token authentication: `<id>.<secret>` is valid while the Secret
// kube-system/bootstrap-token-<id> holds that secret, allows authentication and has
// not expired. Read from the store's committed view, so a lookup costs no I/O.
import { timingSafeEqual } from 'node:crypto';
import {
  BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAP_USER_PREFIX, BOOTSTRAPPERS_GROUP, bootstrapTokenSecretName, parseBootstrapToken,
  readBootstrapTokenSecret,
} from '../../api/bootstrap-token.js';
import type { Secret } from '../../api/types/core.js';
import type { TokenAuthenticator, UserInfo } from './authenticate.js';

/** Looks up one Secret by namespace and name; undefined when absent. */
export type SecretLookup = (namespace: string, name: string) => Secret | undefined;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function bootstrapTokenAuthenticator(lookup: SecretLookup, now: () => Date = () => new Date()): TokenAuthenticator {
  return (token: string): UserInfo | undefined => {
    const parsed = parseBootstrapToken(token);
    if (!parsed) return undefined;
    const secret = lookup(BOOTSTRAP_TOKEN_NAMESPACE, bootstrapTokenSecretName(parsed.id));
    if (!secret || secret.metadata.deletionTimestamp) return undefined;
    const info = readBootstrapTokenSecret(secret, now());
    if (!info || info.id !== parsed.id || !sameSecret(info.secret, parsed.secret)) return undefined;
    if (info.expired || !info.usages.includes('authentication')) return undefined;
    // extra groups must stay inside system:bootstrappers:, or a token could claim system:masters
    if (info.groups.some((g) => !g.startsWith(`${BOOTSTRAPPERS_GROUP}:`))) return undefined;
    return { name: `${BOOTSTRAP_USER_PREFIX}${parsed.id}`, groups: [BOOTSTRAPPERS_GROUP, ...info.groups] };
  };
}
