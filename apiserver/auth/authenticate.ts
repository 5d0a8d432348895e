// Authentication: a verified client certificate (CN = user, O = groups) or a
// bearer token (token file, bootstrap tokens). A request with neither is
// anonymous; credentials that do not check out are refused (401).
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import { anonymousUser } from './authorize.js';

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
}

/** Validates bearer tokens; later sources (bootstrap tokens, service accounts) plug in here. */
export type TokenAuthenticator = (token: string) => UserInfo | undefined;

/**
 * Reads a Kubernetes static token file: `token,user,uid,"group1,group2"` per line.
 */
export function loadTokenFile(path: string): TokenAuthenticator {
  const entries: Array<{ token: Buffer; user: UserInfo }> = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const cols = splitCsv(trimmed);
    if (cols.length < 3) throw new Error(`token file ${path}: want at least token,user,uid per line`);
    const groups = cols[3] ? cols[3].split(',').map((g) => g.trim()).filter(Boolean) : [];
    entries.push({ token: Buffer.from(cols[0]), user: { name: cols[1], uid: cols[2], groups } });
  }
  return (token) => {
    const t = Buffer.from(token);
    for (const e of entries) if (e.token.length === t.length && timingSafeEqual(e.token, t)) return e.user;
    return undefined;
  };
}

function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

export function authenticate(req: IncomingMessage, tokenAuthenticators: TokenAuthenticator[]): UserInfo | undefined {
  const auth = req.headers.authorization;
  if (auth && /^bearer\s+/i.test(auth)) {
    const token = auth.replace(/^bearer\s+/i, '').trim();
    for (const a of tokenAuthenticators) {
      const u = a(token);
      if (u) return { ...u, groups: [...new Set([...u.groups, 'system:authenticated'])] };
    }
    return undefined;
  }
  const socket = req.socket as TLSSocket;
  // the peer certificate is fixed for the life of a TLS connection: decode it once
  const cached = certUsers.get(socket);
  if (cached !== undefined) return cached ?? undefined;
  const user = certificateUser(socket);
  certUsers.set(socket, user ?? null);
  return user;
}

/** True when the request carries credentials of some kind (a bearer token or a client certificate). */
export function presentsCredentials(req: IncomingMessage): boolean {
  if (req.headers.authorization && /^bearer\s+/i.test(req.headers.authorization)) return true;
  const socket = req.socket as TLSSocket;
  if (typeof socket.getPeerCertificate !== 'function') return false;
  const cert = socket.getPeerCertificate();
  return !!cert && Object.keys(cert).length > 0;
}

export type Identity = { user: UserInfo; anonymous: boolean } | undefined;

/**
 * Who is asking: an authenticated user, the anonymous user when no credentials were
 * sent at all, or undefined (401) when the credentials sent are not valid.
 */
export function identify(req: IncomingMessage, tokenAuthenticators: TokenAuthenticator[]): Identity {
  const user = authenticate(req, tokenAuthenticators);
  if (user) return { user, anonymous: false };
  return presentsCredentials(req) ? undefined : { user: anonymousUser(), anonymous: true };
}

const certUsers = new WeakMap<object, UserInfo | null>();

function certificateUser(socket: TLSSocket): UserInfo | undefined {
  if (typeof socket.getPeerCertificate === 'function' && socket.authorized) {
    const cert = socket.getPeerCertificate();
    const cn = cert?.subject?.CN as string | string[] | undefined;
    if (cn) {
      const o = cert.subject.O as string | string[] | undefined;
      const groups = o === undefined ? [] : Array.isArray(o) ? o : [o];
      return { name: Array.isArray(cn) ? cn[0] : cn, groups: [...new Set([...groups, 'system:authenticated'])] };
    }
  }
  return undefined;
}
