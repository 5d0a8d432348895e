// tokencleaner: deletes bootstrap-token Secrets once their expiration has passed, so
// an expired token disappears from `token list` and can never authenticate again.
import { BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAP_TOKEN_SECRET_TYPE } from '../api/bootstrap-token.js';
import { isConflict, isNotFound } from '../api/errors.js';
import { findResource } from '../api/resources.js';
import type { Secret } from '../api/types/core.js';
import type { Informer } from '../client/informer.js';
import { Controller, type ControllerContext } from './controller.js';
import type { ControllerManagerOptions } from './options.js';

const SECRETS = findResource('', 'v1', 'secrets')!;
/** Long waits are re-checked in steps: timers cannot hold more than ~24 days, and clocks drift. */
const MAX_RECHECK_MS = 3_600_000;

export type TokenCleanupDecision = { action: 'keep' } | { action: 'delete' } | { action: 'recheck'; afterMs: number };

/** Kubernetes treats an unparsable expiration as expired. */
export function decideTokenCleanup(secret: Secret, nowMs: number): TokenCleanupDecision {
  if (secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE || secret.metadata.deletionTimestamp) return { action: 'keep' };
  const raw = secret.data?.expiration;
  if (raw === undefined) return { action: 'keep' };
  const at = Date.parse(Buffer.from(raw, 'base64').toString('utf8'));
  if (Number.isNaN(at) || at <= nowMs) return { action: 'delete' };
  return { action: 'recheck', afterMs: Math.min(at - nowMs + 100, MAX_RECHECK_MS) };
}

export class BootstrapTokenCleaner extends Controller {
  private readonly secrets: Informer<Secret>;

  constructor(ctx: ControllerContext, _opts: ControllerManagerOptions) {
    super('tokencleaner', ctx);
    this.secrets = ctx.informers.get<Secret>(SECRETS, {
      namespace: BOOTSTRAP_TOKEN_NAMESPACE,
      fieldSelector: `type=${BOOTSTRAP_TOKEN_SECRET_TYPE}`,
    });
    this.secrets.on('add', (s) => this.enqueue(s));
    this.secrets.on('update', (_o, s) => this.enqueue(s));
  }

  async sync(key: string): Promise<void> {
    const secret = this.secrets.store.get(key);
    if (!secret) return;
    const d = decideTokenCleanup(secret, Date.now());
    if (d.action === 'recheck') this.queue.addAfter(key, d.afterMs);
    if (d.action !== 'delete') return;
    try {
      await this.ctx.client.delete(SECRETS, secret.metadata.namespace, secret.metadata.name ?? '', { preconditions: { uid: secret.metadata.uid } });
    } catch (e) {
      if (isNotFound(e) || isConflict(e)) return;
      throw e;
    }
    this.log.info({ secret: key }, 'deleted expired bootstrap token');
  }
}
