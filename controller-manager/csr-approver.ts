// csrapproving: approves kubelet client certificate requests coming from a bootstrap
// token (a node joining) or from the node they name (a renewal). Everything else is
// left for a person; approval goes through the `approval` subresource as with kubectl.
import { isConflict, isNotFound } from '../api/errors.js';
import type { CertificateSigningRequest } from '../api/types/certificates.js';
import { CSRS } from '../client/csr.js';
import type { Informer } from '../client/informer.js';
import { Controller, type ControllerContext } from './controller.js';
import { approvalCondition, parseCsrRequest, shouldAutoApprove } from './csr-decide.js';
import type { ControllerManagerOptions } from './options.js';

export class CsrApprovingController extends Controller {
  private readonly csrs: Informer<CertificateSigningRequest>;

  constructor(ctx: ControllerContext, _opts: ControllerManagerOptions) {
    super('csrapproving', ctx);
    this.csrs = ctx.informers.get<CertificateSigningRequest>(CSRS);
    this.csrs.on('add', (c) => this.enqueue(c));
    this.csrs.on('update', (_o, c) => this.enqueue(c));
  }

  async sync(key: string): Promise<void> {
    const csr = this.csrs.store.get(key);
    if (!csr) return;
    const kind = shouldAutoApprove(csr, parseCsrRequest(csr));
    if (!kind) return;
    const approved: CertificateSigningRequest = {
      ...csr,
      status: { ...csr.status, conditions: [...(csr.status?.conditions ?? []), approvalCondition(kind, new Date())] },
    };
    try {
      await this.ctx.client.putSubresource(CSRS, undefined, csr.metadata.name ?? '', 'approval', approved);
    } catch (e) {
      if (isNotFound(e)) return;
      // A stale cache copy: the update event that follows brings the fresh one.
      if (isConflict(e)) return;
      throw e;
    }
    this.log.info({ csr: key, user: csr.spec.username, kind }, 'auto-approved kubelet client certificate request');
  }
}
