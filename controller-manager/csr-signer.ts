// csrsigning: issues certificates for approved requests of the kubelet-client,
// kubelet-serving and kube-apiserver-client signers with the cluster CA
// (--cluster-signing-cert-file/--cluster-signing-key-file). Without those flags it
// stays off, as kube-controller-manager's signer does.
import { readFileSync } from 'node:fs';
import { isConflict, isNotFound } from '../api/errors.js';
import type { CertificateSigningRequest } from '../api/types/certificates.js';
import { CSRS } from '../client/csr.js';
import { InvalidCsrError, signCsr } from '../client/csr-sign.js';
import type { Informer } from '../client/informer.js';
import type { KeyPairPem } from '../client/pki.js';
import { Controller, type ControllerContext } from './controller.js';
import { decideSigning, DEFAULT_SIGNING_DURATION_S, failedCondition, parseCsrRequest } from './csr-decide.js';
import type { ControllerManagerOptions } from './options.js';

export class CsrSigningController extends Controller {
  private readonly csrs?: Informer<CertificateSigningRequest>;
  private readonly ca?: KeyPairPem;
  private readonly maxSeconds: number;

  constructor(ctx: ControllerContext, opts: ControllerManagerOptions) {
    super('csrsigning', ctx);
    this.maxSeconds = opts.clusterSigningDurationMs ? Math.floor(opts.clusterSigningDurationMs / 1000) : DEFAULT_SIGNING_DURATION_S;
    const certFile = opts.clusterSigningCertFile;
    const keyFile = opts.clusterSigningKeyFile;
    if (!certFile && !keyFile) return;
    if (!certFile || !keyFile) throw new Error('--cluster-signing-cert-file and --cluster-signing-key-file must be given together');
    // Read once at start: a missing or unreadable CA should stop the process, not fail every CSR later.
    this.ca = { certPem: readFileSync(certFile, 'utf8'), keyPem: readFileSync(keyFile, 'utf8') };
    this.csrs = ctx.informers.get<CertificateSigningRequest>(CSRS);
    this.csrs.on('add', (c) => this.enqueue(c));
    this.csrs.on('update', (_o, c) => this.enqueue(c));
  }

  override async run(workers: number, signal: AbortSignal): Promise<void> {
    if (!this.ca) {
      this.log.info({}, 'no --cluster-signing-cert-file/--cluster-signing-key-file: certificate signing is off');
      return;
    }
    return super.run(workers, signal);
  }

  async sync(key: string): Promise<void> {
    const csr = this.csrs?.store.get(key);
    if (!csr || !this.ca) return;
    const decision = decideSigning(csr, parseCsrRequest(csr), this.maxSeconds);
    if (decision.action === 'skip') return;
    let status: CertificateSigningRequest['status'];
    if (decision.action === 'fail') {
      status = { ...csr.status, conditions: [...(csr.status?.conditions ?? []), failedCondition(decision.message, new Date())] };
    } else {
      const pem = Buffer.from(csr.spec.request, 'base64').toString('utf8');
      try {
        const certPem = await signCsr(this.ca, pem, {
          usage: decision.usage, expirationSeconds: decision.expirationSeconds, dnsNames: decision.dnsNames, ipAddresses: decision.ipAddresses,
        });
        status = { ...csr.status, certificate: Buffer.from(certPem, 'utf8').toString('base64') };
      } catch (e) {
        // A request that does not verify can never be signed: say so on the object.
        // CA trouble is ours: retry with backoff.
        if (!(e instanceof InvalidCsrError)) throw e;
        status = { ...csr.status, conditions: [...(csr.status?.conditions ?? []), failedCondition((e as Error).message, new Date())] };
      }
    }
    try {
      await this.ctx.client.updateStatus(CSRS, undefined, { ...csr, status });
    } catch (e) {
      if (isNotFound(e) || isConflict(e)) return;
      throw e;
    }
    if (status?.certificate) this.log.info({ csr: key, signer: csr.spec.signerName, seconds: decision.action === 'sign' ? decision.expirationSeconds : 0 }, 'signed certificate');
    else this.log.warn({ csr: key, signer: csr.spec.signerName }, 'certificate request failed signer validation');
  }
}
