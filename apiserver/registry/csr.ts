// CertificateSigningRequest strategies, as Kubernetes' certificates registry:
// the requester's identity is recorded by the server, not taken from the body;
// `/approval` changes only the Approved/Denied conditions and `/status` everything
// else (the signer's certificate, Failed), and an issued certificate never changes.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/meta.js';
import type { CertificateSigningRequestCondition } from '../../api/types/certificates.js';
import { forbidden, GoLiteral, invalid } from '../../api/validation/field.js';
import type { RequestUser } from './registry.js';

type Spec = Record<string, unknown>;
type Status = { conditions?: CertificateSigningRequestCondition[]; certificate?: string } & Record<string, unknown>;

const APPROVAL_TYPES = new Set(['Approved', 'Denied']);

/** Overwrites spec.username/uid/groups/extra with who is asking. */
export function setRequester(obj: KubeObject, user: RequestUser): void {
  const spec = (obj.spec && typeof obj.spec === 'object' ? obj.spec : (obj.spec = {})) as Spec;
  spec.username = user.name;
  if (user.uid) spec.uid = user.uid;
  else delete spec.uid;
  spec.groups = [...user.groups];
  delete spec.extra;
}

/** spec.request must be a PEM CERTIFICATE REQUEST that parses as PKCS#10 (the PEM header itself is checked by validation). */
export function requestParseErrors(obj: KubeObject): FieldError[] {
  const request = (obj.spec as Spec | undefined)?.request;
  if (typeof request !== 'string' || !request) return [];
  const pem = Buffer.from(request, 'base64').toString('utf8');
  const m = /-----BEGIN CERTIFICATE REQUEST-----([\s\S]*?)-----END CERTIFICATE REQUEST-----/.exec(pem);
  if (!m) return [];
  try {
    new x509.Pkcs10CertificateRequest(`-----BEGIN CERTIFICATE REQUEST-----${m[1]}-----END CERTIFICATE REQUEST-----`);
    return [];
  } catch (e) {
    return [invalid('spec.request', new GoLiteral('[]byte{...}'), `the certificate request could not be parsed: ${(e as Error).message}`)];
  }
}

function withTimestamps(conds: CertificateSigningRequestCondition[], old: CertificateSigningRequestCondition[], now: string): CertificateSigningRequestCondition[] {
  return conds.map((c) => {
    const prev = old.find((o) => o.type === c.type);
    const out = { ...c };
    out.lastUpdateTime ??= now;
    if (!out.lastTransitionTime) out.lastTransitionTime = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now;
    return out;
  });
}

/** PUT `/approval`: the body's Approved/Denied conditions, everything else as stored. */
export function applyApproval(cur: KubeObject, incoming: KubeObject, now: string): KubeObject {
  const old = ((cur.status ?? {}) as Status);
  const oldConds = old.conditions ?? [];
  const wanted = (((incoming.status ?? {}) as Status).conditions ?? []);
  const conditions = [
    ...withTimestamps(wanted.filter((c) => APPROVAL_TYPES.has(c.type)), oldConds, now),
    ...oldConds.filter((c) => !APPROVAL_TYPES.has(c.type)),
  ];
  const status: Status = { ...old, conditions };
  if (!conditions.length) delete status.conditions;
  return { ...cur, metadata: { ...cur.metadata }, status };
}

/** PUT/PATCH `/status`: the body's status, except that approval stays as stored. */
export function applyStatus(cur: KubeObject, next: KubeObject, now: string): KubeObject {
  const oldConds = ((cur.status ?? {}) as Status).conditions ?? [];
  const status = { ...((next.status ?? {}) as Status) };
  const conditions = [
    ...oldConds.filter((c) => APPROVAL_TYPES.has(c.type)),
    ...withTimestamps((status.conditions ?? []).filter((c) => !APPROVAL_TYPES.has(c.type)), oldConds, now),
  ];
  if (conditions.length) status.conditions = conditions;
  else delete status.conditions;
  return { ...next, status };
}

/** A status write's own rules: the certificate is PEM CERTIFICATE blocks and, once issued, stays. */
export function statusErrors(next: KubeObject, cur: KubeObject): FieldError[] {
  const cert = ((next.status ?? {}) as Status).certificate;
  const oldCert = ((cur.status ?? {}) as Status).certificate;
  const errs: FieldError[] = [];
  if (oldCert && cert !== oldCert) errs.push(forbidden('status.certificate', 'updates may not modify existing certificate content'));
  if (cert && cert !== oldCert) {
    const pem = Buffer.from(cert, 'base64').toString('utf8');
    const blocks = pem.match(/-----BEGIN ([A-Z0-9 ]+)-----/g) ?? [];
    if (!blocks.length || blocks.some((b) => b !== '-----BEGIN CERTIFICATE-----')) {
      errs.push(invalid('status.certificate', new GoLiteral('[]byte{...}'), 'must contain at least one CERTIFICATE PEM block and only CERTIFICATE PEM blocks'));
    }
  }
  return errs;
}
