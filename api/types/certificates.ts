// Wire shapes of certificates.k8s.io/v1: how kubelets ask for (and get) their
// client and serving certificates.
import type { KubeObject } from '../meta.js';
import type { ConditionStatus } from './core.js';

export type KeyUsage =
  | 'signing' | 'digital signature' | 'content commitment' | 'key encipherment' | 'key agreement'
  | 'data encipherment' | 'cert sign' | 'crl sign' | 'encipher only' | 'decipher only' | 'any'
  | 'server auth' | 'client auth' | 'code signing' | 'email protection' | 's/mime'
  | 'ipsec end system' | 'ipsec tunnel' | 'ipsec user' | 'timestamping' | 'ocsp signing'
  | 'microsoft sgc' | 'netscape sgc';

export interface CertificateSigningRequestSpec {
  /** base64 of a PEM `CERTIFICATE REQUEST` block */
  request: string;
  signerName: string;
  expirationSeconds?: number;
  usages?: KeyUsage[];
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface CertificateSigningRequestCondition {
  type: 'Approved' | 'Denied' | 'Failed' | string;
  status: ConditionStatus;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export interface CertificateSigningRequestStatus {
  conditions?: CertificateSigningRequestCondition[];
  /** base64 of the PEM certificate chain, set by the signer */
  certificate?: string;
}

export interface CertificateSigningRequest extends KubeObject {
  spec: CertificateSigningRequestSpec;
  status?: CertificateSigningRequestStatus;
}
