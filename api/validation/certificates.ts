// certificates.k8s.io/v1: CertificateSigningRequest.
import type { FieldError } from '../errors.js';
import type { KubeObject } from '../meta.js';
import { isDNS1123Subdomain } from '../names.js';
import { asArray, asRecord, child, duplicate, goValue, GoLiteral, index, invalid, notSupported, required, str } from './field.js';

const KEY_USAGES = [
  'any', 'cert sign', 'client auth', 'code signing', 'content commitment', 'crl sign', 'data encipherment', 'decipher only',
  'digital signature', 'email protection', 'encipher only', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'key agreement',
  'key encipherment', 'microsoft sgc', 'netscape sgc', 'ocsp signing', 's/mime', 'server auth', 'signing', 'timestamping',
];

function validateSignerName(signer: string, field: string): FieldError[] {
  if (!signer) return [required(field)];
  const parts = signer.split('/');
  if (parts.length !== 2) return [invalid(field, signer, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const errs: FieldError[] = [];
  for (const msg of isDNS1123Subdomain(parts[0])) errs.push(invalid(field, signer, `the domain portion of the signerName ${msg}`));
  if (!parts[1]) errs.push(invalid(field, signer, 'the path portion of the signerName must not be empty'));
  return errs;
}

/** The request must decode to a PEM CERTIFICATE REQUEST block. */
function csrRequestError(request: string): string | undefined {
  const pem = Buffer.from(request, 'base64').toString('utf8');
  return pem.includes('-----BEGIN CERTIFICATE REQUEST-----') ? undefined : 'PEM block type must be CERTIFICATE REQUEST';
}

export function validateCertificateSigningRequest(obj: KubeObject): FieldError[] {
  const spec = asRecord(obj.spec);
  const errs: FieldError[] = [];
  const request = str(spec.request);
  if (!request) errs.push(required('spec.request'));
  else {
    const msg = csrRequestError(request);
    if (msg) errs.push(invalid('spec.request', new GoLiteral('[]byte{...}'), msg));
  }
  const usages = asArray<string>(spec.usages);
  if (usages.length === 0) errs.push(required('spec.usages'));
  const seen = new Set<string>();
  usages.forEach((u, i) => {
    if (!KEY_USAGES.includes(u)) errs.push(notSupported(index('spec.usages', i), u, KEY_USAGES));
    if (seen.has(u)) errs.push(duplicate(index('spec.usages', i), u));
    seen.add(u);
  });
  errs.push(...validateSignerName(str(spec.signerName), 'spec.signerName'));
  const exp = spec.expirationSeconds;
  if (typeof exp === 'number' && exp < 600) errs.push(invalid('spec.expirationSeconds', exp, 'may not specify a duration less than 600 seconds (10 minutes)'));
  errs.push(...validateCSRConditions(obj));
  return errs;
}

/** Approval and status writes: condition types unique, Approved and Denied exclusive. */
export function validateCSRConditions(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const conditions = asArray<Record<string, unknown>>(asRecord(obj.status).conditions);
  const seen = new Set<string>();
  conditions.forEach((c, i) => {
    const type = str(c?.type);
    const p = index('status.conditions', i);
    if (!type) errs.push(required(child(p, 'type')));
    if (!['True', 'False', 'Unknown'].includes(str(c?.status))) errs.push(notSupported(child(p, 'status'), c?.status ?? '', ['True', 'False', 'Unknown']));
    if (['Approved', 'Denied', 'Failed'].includes(type) && seen.has(type)) errs.push(duplicate(child(p, 'type'), type));
    seen.add(type);
  });
  if (seen.has('Approved') && seen.has('Denied')) {
    errs.push(invalid('status.conditions', new GoLiteral(goValue(conditions)), 'Approved and Denied conditions are mutually exclusive'));
  }
  return errs;
}

