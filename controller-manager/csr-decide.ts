// What the CSR approver and signer decide, as pure functions of the CSR and its
// parsed request (kube-controller-manager's csrapproving and csrsigning rules).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { BOOTSTRAP_USER_PREFIX, BOOTSTRAPPERS_GROUP } from '../api/bootstrap-token.js';
import type { CertificateSigningRequest, CertificateSigningRequestCondition, KeyUsage } from '../api/types/certificates.js';
import { KUBE_APISERVER_CLIENT_SIGNER, KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER } from '../client/csr.js';
import { formatTime } from '../api/time.js';

export const SIGNERS = [KUBELET_CLIENT_SIGNER, KUBE_APISERVER_CLIENT_SIGNER, KUBELET_SERVING_SIGNER];
export const NODE_USER_PREFIX = 'system:node:';
export const NODES_GROUP = 'system:nodes';

const KUBELET_CLIENT_USAGES: ReadonlySet<string> = new Set(['digital signature', 'key encipherment', 'client auth']);
const KUBELET_SERVING_USAGES: ReadonlySet<string> = new Set(['digital signature', 'key encipherment', 'server auth']);
/** kube-apiserver-client certificates may only authenticate clients */
const APISERVER_CLIENT_USAGES: ReadonlySet<string> = new Set(['digital signature', 'key encipherment', 'client auth', 'signing']);

export interface ParsedRequest {
  commonName: string;
  organizations: string[];
  /** DNS, IP, email or URI names: a client certificate for a node carries none */
  hasSubjectAltNames: boolean;
  /** the DNS and IP names a serving certificate would carry */
  dnsNames?: string[];
  ipAddresses?: string[];
  /** SANs other than DNS and IP (emails, URIs): never on a kubelet serving certificate */
  hasOtherSubjectAltNames?: boolean;
}

/** The subject of spec.request, or undefined when it is not a PEM CERTIFICATE REQUEST. */
export function parseCsrRequest(csr: CertificateSigningRequest): ParsedRequest | undefined {
  try {
    const pem = Buffer.from(csr.spec?.request ?? '', 'base64').toString('utf8');
    const req = new x509.Pkcs10CertificateRequest(pem);
    const sanExt = req.getExtension('2.5.29.17');
    const names: x509.JsonGeneralName[] = sanExt ? new x509.SubjectAlternativeNameExtension(sanExt.rawData).names.toJSON() : [];
    return {
      commonName: req.subjectName.getField('CN')[0] ?? '',
      organizations: req.subjectName.getField('O'),
      hasSubjectAltNames: sanExt !== null,
      dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value),
      ipAddresses: names.filter((n) => n.type === 'ip').map((n) => n.value),
      hasOtherSubjectAltNames: names.some((n) => n.type !== 'dns' && n.type !== 'ip'),
    };
  } catch {
    return undefined;
  }
}

function hasCondition(csr: CertificateSigningRequest, type: string): boolean {
  return (csr.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

export function isApproved(csr: CertificateSigningRequest): boolean {
  return hasCondition(csr, 'Approved');
}

/** Denied or Failed: nothing more will happen to it. */
export function isFinished(csr: CertificateSigningRequest): boolean {
  return hasCondition(csr, 'Denied') || hasCondition(csr, 'Failed');
}

/** Why this is not a kubelet client certificate request, or undefined when it is one. */
export function kubeletClientProblem(usages: readonly string[], req: ParsedRequest): string | undefined {
  if (!req.commonName.startsWith(NODE_USER_PREFIX) || req.commonName.length === NODE_USER_PREFIX.length) {
    return `subject common name must be ${NODE_USER_PREFIX}<nodeName>, not "${req.commonName}"`;
  }
  if (req.organizations.length !== 1 || req.organizations[0] !== NODES_GROUP) {
    return `subject organization must be exactly ["${NODES_GROUP}"], not ${JSON.stringify(req.organizations)}`;
  }
  if (req.hasSubjectAltNames) return 'subject alternative names are not allowed';
  if (!usages.includes('client auth')) return 'usages must include "client auth"';
  const bad = usages.filter((u) => !KUBELET_CLIENT_USAGES.has(u));
  if (bad.length) return `usages not allowed: ${bad.join(', ')}`;
  return undefined;
}

/** Why this is not a kubelet serving certificate request, or undefined when it is one. */
export function kubeletServingProblem(usages: readonly string[], req: ParsedRequest): string | undefined {
  if (!req.commonName.startsWith(NODE_USER_PREFIX) || req.commonName.length === NODE_USER_PREFIX.length) {
    return `subject common name must be ${NODE_USER_PREFIX}<nodeName>, not "${req.commonName}"`;
  }
  if (req.organizations.length !== 1 || req.organizations[0] !== NODES_GROUP) {
    return `subject organization must be exactly ["${NODES_GROUP}"], not ${JSON.stringify(req.organizations)}`;
  }
  if (req.hasOtherSubjectAltNames) return 'only DNS and IP subject alternative names are allowed';
  if (!(req.dnsNames?.length || req.ipAddresses?.length)) return 'at least one DNS or IP subject alternative name is required';
  if (!usages.includes('server auth')) return 'usages must include "server auth"';
  const bad = usages.filter((u) => !KUBELET_SERVING_USAGES.has(u));
  if (bad.length) return `usages not allowed: ${bad.join(', ')}`;
  return undefined;
}

export type ApprovalKind = 'bootstrap' | 'renewal' | 'serving';

/**
 * Whether the approver signs off on its own: a kubelet client certificate requested
 * by a bootstrap token (a joining node) or by the very node it names (a renewal).
 * Everything else waits for a person (`kubectl certificate approve`).
 */
export function shouldAutoApprove(csr: CertificateSigningRequest, req: ParsedRequest | undefined): ApprovalKind | undefined {
  if (!req || isApproved(csr) || isFinished(csr)) return undefined;
  if (csr.spec?.signerName === KUBELET_SERVING_SIGNER) {
    // Only the node itself may ask for the certificate the apiserver will trust as that node's.
    if (kubeletServingProblem(csr.spec.usages ?? [], req)) return undefined;
    return csr.spec.username === req.commonName && (csr.spec.groups ?? []).includes(NODES_GROUP) ? 'serving' : undefined;
  }
  if (csr.spec?.signerName !== KUBELET_CLIENT_SIGNER) return undefined;
  if (kubeletClientProblem(csr.spec.usages ?? [], req)) return undefined;
  const user = csr.spec.username ?? '';
  if (user.startsWith(BOOTSTRAP_USER_PREFIX) || (csr.spec.groups ?? []).includes(BOOTSTRAPPERS_GROUP)) return 'bootstrap';
  if (user === req.commonName && (csr.spec.groups ?? []).includes(NODES_GROUP)) return 'renewal';
  return undefined;
}

export function approvalCondition(kind: ApprovalKind, now: Date): CertificateSigningRequestCondition {
  const t = formatTime(now.getTime());
  return {
    type: 'Approved',
    status: 'True',
    reason: 'AutoApproved',
    message: kind === 'bootstrap'
      ? 'Auto approving kubelet client certificate after SubjectAccessReview.'
      : kind === 'renewal'
        ? 'Auto approving self kubelet client certificate after SubjectAccessReview.'
        : 'Auto approving kubelet serving certificate after SubjectAccessReview.',
    lastUpdateTime: t,
    lastTransitionTime: t,
  };
}

export type SignDecision =
  | { action: 'skip' }
  | { action: 'fail'; message: string }
  | { action: 'sign'; expirationSeconds: number; usage: 'client' | 'server'; dnsNames?: string[]; ipAddresses?: string[] };

export const DEFAULT_SIGNING_DURATION_S = 365 * 86_400;

/** The signer acts on approved, unfinished, unsigned CSRs of the signers it owns. */
export function decideSigning(csr: CertificateSigningRequest, req: ParsedRequest | undefined, maxSeconds = DEFAULT_SIGNING_DURATION_S): SignDecision {
  const signer = csr.spec?.signerName;
  if (!SIGNERS.includes(signer) || !isApproved(csr) || isFinished(csr) || csr.status?.certificate) return { action: 'skip' };
  if (!req) return { action: 'fail', message: 'unable to parse csr: spec.request is not a PEM CERTIFICATE REQUEST' };
  const usages: KeyUsage[] = csr.spec.usages ?? [];
  const asked = csr.spec.expirationSeconds;
  const expirationSeconds = asked && asked > 0 ? Math.min(asked, maxSeconds) : maxSeconds;
  if (signer === KUBELET_SERVING_SIGNER) {
    const problem = kubeletServingProblem(usages, req);
    if (problem) return { action: 'fail', message: `invalid ${KUBELET_SERVING_SIGNER} request: ${problem}` };
    return { action: 'sign', expirationSeconds, usage: 'server', dnsNames: req.dnsNames ?? [], ipAddresses: req.ipAddresses ?? [] };
  }
  if (signer === KUBELET_CLIENT_SIGNER) {
    const problem = kubeletClientProblem(usages, req);
    if (problem) return { action: 'fail', message: `invalid ${KUBELET_CLIENT_SIGNER} request: ${problem}` };
  } else {
    if (!usages.includes('client auth')) return { action: 'fail', message: `invalid usage for client certificate: "client auth" is required` };
    const bad = usages.filter((u) => !APISERVER_CLIENT_USAGES.has(u));
    if (bad.length) return { action: 'fail', message: `invalid usage for client certificate: ${bad.join(', ')}` };
  }
  return { action: 'sign', expirationSeconds, usage: 'client' };
}

export function failedCondition(message: string, now: Date): CertificateSigningRequestCondition {
  const t = formatTime(now.getTime());
  return { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message, lastUpdateTime: t, lastTransitionTime: t };
}
