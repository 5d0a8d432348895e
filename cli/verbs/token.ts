// `kubelite token create|list|delete`: bootstrap tokens for joining nodes, stored
// as kube-system Secrets like kubeadm's, managed with the current kubeconfig.
import type { Command } from 'commander';
import {
  BOOTSTRAP_TOKEN_NAMESPACE,
  BOOTSTRAP_TOKEN_SECRET_TYPE,
  bootstrapTokenSecret,
  bootstrapTokenSecretName,
  DEFAULT_TOKEN_TTL_SECONDS,
  generateBootstrapToken,
  isBootstrapTokenId,
  parseBootstrapToken,
  parseTokenTtl,
  readBootstrapTokenSecret,
  type BootstrapTokenInfo,
} from '../../api/bootstrap-token.js';
import { isNotFound } from '../../api/errors.js';
import { findResource } from '../../api/resources.js';
import type { Secret } from '../../api/types/core.js';
import { caCertHash } from '../../client/pki.js';
import { addGlobalFlags, verbAction, out, type CliContext } from './context.js';
import { CliError } from './errors.js';
import { formatRows } from './tabwriter.js';
import { joinCommand, serverEndpoint, tokenListRows } from './token-format.js';

const SECRETS = findResource('', 'v1', 'secrets')!;

function sub(parent: Command, nameAndArgs: string, description: string): Command {
  return addGlobalFlags(parent.command(nameAndArgs).description(description));
}

function ttlSeconds(v: string): number {
  try {
    return parseTokenTtl(v);
  } catch (e) {
    throw new CliError(`invalid argument "${v}" for "--ttl" flag: ${(e as Error).message}`);
  }
}

function printJoinCommand(ctx: CliContext, token: string): string {
  const ca = ctx.config.ca;
  if (!ca) throw new CliError('the current kubeconfig has no certificate-authority data: cannot compute --discovery-token-ca-cert-hash');
  let endpoint: string;
  try {
    endpoint = serverEndpoint(ctx.config.server);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  return joinCommand(endpoint, token, caCertHash(ca.toString('utf8')));
}

async function createToken(ctx: CliContext, args: string[], f: { ttl: string; description?: string; printJoinCommand?: boolean }): Promise<void> {
  const ttl = ttlSeconds(f.ttl);
  const token = args[0] ?? generateBootstrapToken();
  if (!parseBootstrapToken(token)) throw new CliError(`the bootstrap token "${token}" was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"`);
  // Compute the join command before creating: a kubeconfig without a CA must not leave a token behind.
  const join = f.printJoinCommand ? printJoinCommand(ctx, token) : undefined;
  await ctx.client.create(SECRETS, BOOTSTRAP_TOKEN_NAMESPACE, bootstrapTokenSecret(token, { ttlSeconds: ttl, description: f.description }));
  out(`${join ?? token}\n`);
}

async function listTokens(ctx: CliContext): Promise<void> {
  const list = await ctx.client.list<Secret>(SECRETS, BOOTSTRAP_TOKEN_NAMESPACE, { fieldSelector: `type=${BOOTSTRAP_TOKEN_SECRET_TYPE}` });
  const now = new Date();
  const tokens = list.items.map((s) => readBootstrapTokenSecret(s, now)).filter((t): t is BootstrapTokenInfo => t !== undefined);
  if (tokens.length === 0) return;
  out(formatRows(tokenListRows(tokens, now)));
}

async function deleteTokens(ctx: CliContext, args: string[]): Promise<void> {
  if (args.length === 0) throw new CliError('missing subcommand; "token delete" is missing token of form "[a-z0-9]{6}" or "[a-z0-9]{6}.[a-z0-9]{16}"');
  const ids = args.map((a) => {
    const id = parseBootstrapToken(a)?.id ?? (isBootstrapTokenId(a) ? a : undefined);
    if (!id) throw new CliError(`given token "${a}" didn't match pattern "^([a-z0-9]{6})$" or "^([a-z0-9]{6})\\.([a-z0-9]{16})$"`);
    return id;
  });
  for (const id of ids) {
    try {
      await ctx.client.delete(SECRETS, BOOTSTRAP_TOKEN_NAMESPACE, bootstrapTokenSecretName(id));
    } catch (e) {
      if (isNotFound(e)) throw new CliError(`failed to delete bootstrap token with ID "${id}": secrets "${bootstrapTokenSecretName(id)}" not found`);
      throw e;
    }
    out(`bootstrap token "${id}" deleted\n`);
  }
}

export function registerToken(program: Command): void {
  const token = program.command('token').description('Manage bootstrap tokens (for `kubelite join`)')
    .addHelpText('after', `
Bootstrap tokens authenticate joining nodes until they have their own certificate. A
token has the form [a-z0-9]{6}.[a-z0-9]{16} and is stored as the Secret
kube-system/bootstrap-token-<id>; the controller-manager deletes it when it expires.

Examples:
  kubelite token create --print-join-command
  kubelite token list
  kubelite token delete abcdef`);

  sub(token, 'create [token]', 'Create a bootstrap token (a random one unless given)')
    .option('--ttl <duration>', 'time before the token expires and is deleted (e.g. 1s, 2m, 24h; 0: never)', `${DEFAULT_TOKEN_TTL_SECONDS / 3600}h`)
    .option('--description <text>', 'a human-friendly note on what the token is for')
    .option('--print-join-command', 'print the full `kubelite join` command for this token instead of the token')
    .addHelpText('after', `
Examples:
  kubelite token create
  kubelite token create --ttl 2h --description "rack 3 workers"
  kubelite token create abcdef.0123456789abcdef --ttl 0
  kubelite token create --print-join-command`)
    .action(verbAction(async (ctx, args, opts) => createToken(ctx, args, opts as { ttl: string; description?: string; printJoinCommand?: boolean })));

  sub(token, 'list', 'List bootstrap tokens')
    .addHelpText('after', `
Examples:
  kubelite token list`)
    .action(verbAction(async (ctx) => listTokens(ctx)));

  sub(token, 'delete <token-id-or-token...>', 'Delete bootstrap tokens by id ([a-z0-9]{6}) or whole token')
    .addHelpText('after', `
Examples:
  kubelite token delete abcdef
  kubelite token delete abcdef.0123456789abcdef ghijkl`)
    .action(verbAction(async (ctx, args) => deleteTokens(ctx, args)));
}
