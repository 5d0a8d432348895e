// Getting a certificate the way a joining kubelet does: make a key and a PKCS#10
// request locally (the key never leaves the host), submit it as a
// certificates.k8s.io/v1 CertificateSigningRequest and wait for a signer to fill in
// status.certificate.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { isAlreadyExists } from '../api/errors.js';
import { findResource } from '../api/resources.js';
import type { CertificateSigningRequest, KeyUsage } from '../api/types/certificates.js';
import './pki.js'; // installs node's webcrypto as @peculiar/x509's provider
import type { RestClient } from './rest.js';

type CryptoKeyPair = webcrypto.CryptoKeyPair;

export const CSRS = findResource('certificates.k8s.io', 'v1', 'certificatesigningrequests')!;
export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
export const KUBE_APISERVER_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';
export const KUBELET_SERVING_SIGNER = 'kubernetes.io/kubelet-serving';
/** What a kubelet asks for its client certificate (ECDSA keys need no key encipherment). */
export const KUBELET_CLIENT_USAGES: KeyUsage[] = ['digital signature', 'client auth'];

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface KeyAndCsr {
  keyPem: string;
  csrPem: string;
}

function dn(cn: string, orgs: string[]): string {
  const esc = (v: string) => v.replace(/([,+"\\<>;=])/g, '\\$1');
  return [...orgs.map((o) => `O=${esc(o)}`), `CN=${esc(cn)}`].join(', ');
}

export interface CsrSubject {
  commonName: string;
  organizations?: string[];
  /** subject alternative names, for serving certificates */
  dnsNames?: string[];
  ipAddresses?: string[];
}

export async function createKeyAndCsr(subject: CsrSubject): Promise<KeyAndCsr> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const sans: x509.JsonGeneralName[] = [
    ...(subject.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(subject.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: dn(subject.commonName, subject.organizations ?? []),
    keys,
    signingAlgorithm: ALG,
    extensions: sans.length ? [new x509.SubjectAlternativeNameExtension(sans, false)] : [],
  });
  const der = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { keyPem: x509.PemConverter.encode(der, 'PRIVATE KEY') + '\n', csrPem: csr.toString('pem') + '\n' };
}

/** CN and O of a PEM certificate request, as the apiserver would read the resulting certificate. */
export function csrSubject(csrPem: string): { commonName: string; organizations: string[] } {
  const req = new x509.Pkcs10CertificateRequest(csrPem);
  return { commonName: req.subjectName.getField('CN')[0] ?? '', organizations: req.subjectName.getField('O') };
}

export interface RequestCertificateOptions {
  /** fixed name; without it the apiserver picks `csr-xxxxx` */
  name?: string;
  csrPem: string;
  signerName: string;
  usages: KeyUsage[];
  expirationSeconds?: number;
  timeoutMs: number;
  /** how often the CSR is re-read while waiting */
  pollMs?: number;
  signal?: AbortSignal;
}

/** Why a CSR will never be signed, or undefined while it still may be. */
export function csrFailure(csr: CertificateSigningRequest): string | undefined {
  for (const c of csr.status?.conditions ?? []) {
    if ((c.type === 'Denied' || c.type === 'Failed') && c.status !== 'False') {
      const why = [c.reason, c.message].filter(Boolean).join(': ');
      return `certificate signing request ${csr.metadata.name} was ${c.type === 'Denied' ? 'denied' : 'not signed (Failed)'}${why ? `: ${why}` : ''}`;
    }
  }
  return undefined;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Submits the request and resolves to the signed certificate (PEM). API errors of the
 * create (401 for a refused token, 403) propagate unchanged so callers can word them.
 */
export async function requestCertificate(rest: RestClient, o: RequestCertificateOptions): Promise<string> {
  const request = Buffer.from(o.csrPem, 'utf8').toString('base64');
  const body: CertificateSigningRequest = {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: o.name ? { name: o.name } : { generateName: 'csr-' },
    spec: {
      request,
      signerName: o.signerName,
      usages: o.usages,
      ...(o.expirationSeconds ? { expirationSeconds: o.expirationSeconds } : {}),
    },
  };
  let csr: CertificateSigningRequest;
  try {
    csr = await rest.create(CSRS, undefined, body);
  } catch (e) {
    // A retried join with a fixed name finds its own earlier request; anything else is someone else's.
    if (!o.name || !isAlreadyExists(e)) throw e;
    csr = await rest.get<CertificateSigningRequest>(CSRS, undefined, o.name);
    if (csr.spec.request !== request) throw new Error(`certificate signing request ${o.name} already exists with a different request`);
  }
  const name = csr.metadata.name ?? '';
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const failed = csrFailure(csr);
    if (failed) throw new Error(failed);
    if (csr.status?.certificate) return Buffer.from(csr.status.certificate, 'base64').toString('utf8');
    if (o.signal?.aborted) throw new Error(`waiting for certificate signing request ${name} was cancelled`);
    if (Date.now() >= deadline) {
      const approved = csr.status?.conditions?.some((c) => c.type === 'Approved' && c.status === 'True');
      throw new Error(
        `timed out after ${Math.round(o.timeoutMs / 1000)}s waiting for certificate signing request ${name} to be ` +
          (approved ? 'signed (approved, but no signer issued a certificate: is the controller-manager running with --cluster-signing-cert-file?)' : 'approved'),
      );
    }
    await sleep(Math.min(o.pollMs ?? 500, Math.max(0, deadline - Date.now())), o.signal);
    csr = await rest.get<CertificateSigningRequest>(CSRS, undefined, name);
  }
}
