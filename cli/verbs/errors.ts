// Errors as kubectl prints them: one line on stderr, exit code 1, no stack.
import { ApiError } from '../../api/errors.js';
import type { StatusCause } from '../../api/meta.js';
import { JsonPathError } from './jsonpath.js';

/** A usage or client-side problem: printed as `error: <message>`. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Ends the command with an exit code and no message (exec's remote exit code). */
export class ExitCode extends Error {
  readonly exitCode: number;
  constructor(code: number) {
    super(`exit code ${code}`);
    this.name = 'ExitCode';
    this.exitCode = code;
  }
}

function causeText(c: StatusCause): string {
  return c.field ? `${c.field}: ${c.message ?? ''}` : c.message ?? '';
}

/** kubectl's checkErr: the text for an API error. */
export function formatApiError(e: ApiError): string {
  const s = e.status;
  if (s.reason === 'Invalid' && s.details) {
    const d = s.details;
    const head = d.kind || d.name ? `The ${d.kind ?? ''} ${JSON.stringify(d.name ?? '')} is invalid` : 'The request is invalid';
    const causes = d.causes ?? [];
    if (causes.length === 0) return `${head}: ${s.message ?? ''}`.trim();
    if (causes.length === 1) return `${head}: ${causeText(causes[0])}`;
    return `${head}: \n${causes.map((c) => `* ${causeText(c)}`).join('\n')}`;
  }
  if (s.reason === 'Unauthorized' || s.code === 401) {
    return `error: You must be logged in to the server (${s.message ?? 'Unauthorized'})`;
  }
  if (s.reason) return `Error from server (${s.reason}): ${s.message ?? ''}`;
  return `Error from server: ${s.message ?? `the server responded with status ${s.code}`}`;
}

/** The single line (rarely a few) kubectl would print for `e`. */
export function formatError(e: unknown, server?: string): string {
  if (e instanceof ApiError) return formatApiError(e);
  if (e instanceof CliError) return `error: ${e.message}`;
  if (e instanceof JsonPathError) return `error: ${e.message}`;
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
  if (err && typeof err === 'object' && typeof err.code === 'string') {
    const host = server ? hostOf(server) : err.address && err.port ? `${err.address}:${err.port}` : 'the server';
    switch (err.code) {
      case 'ECONNREFUSED':
        return `The connection to the server ${host} was refused - did you specify the right host or port?`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `Unable to connect to the server: dial tcp: lookup ${host.replace(/:\d+$/, '')}: no such host`;
      case 'ETIMEDOUT':
        return `Unable to connect to the server: ${err.message}`;
      case 'ECONNRESET':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `Unable to connect to the server: ${err.message}`;
      case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      case 'SELF_SIGNED_CERT_IN_CHAIN':
      case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      case 'ERR_TLS_CERT_ALTNAME_INVALID':
      case 'CERT_HAS_EXPIRED':
        return `Unable to connect to the server: tls: failed to verify certificate: ${err.message}`;
      default:
        break;
    }
  }
  const message = e instanceof Error ? e.message : String(e);
  return `error: ${message}`;
}

function hostOf(server: string): string {
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}

export function exitCodeOf(e: unknown): number {
  if (e instanceof CliError || e instanceof ExitCode) return e.exitCode;
  return 1;
}
