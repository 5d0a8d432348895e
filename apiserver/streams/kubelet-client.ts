// gRPC clients to kubelets, one channel per address, mutual TLS with the cluster CA,
// and the mapping of gRPC failures onto Kubernetes Status errors.
import * as grpc from '@grpc/grpc-js';
import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import {
  KUBELET_SERVICE, kubeletPackageDefinition, type ExecInput, type ExecOutput, type ImageChunk, type ImageStatusRequest,
  type ImageStatusResponse, type LoadImageResult, type LogChunk, type LogRequest, type PortForwardData, type StatsRequest, type StatsResponse,
} from '../../api/kubelet-proto.js';
import { ApiError, statusOf, type StatusReason } from '../../api/errors.js';
import type { KubeletAddress } from './pods.js';

export interface KubeletClientTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** The typed surface of the generated client. */
export interface KubeletStub {
  Logs(req: LogRequest, opts?: grpc.CallOptions): grpc.ClientReadableStream<LogChunk>;
  Exec(opts?: grpc.CallOptions): grpc.ClientDuplexStream<ExecInput, ExecOutput>;
  PortForward(opts?: grpc.CallOptions): grpc.ClientDuplexStream<PortForwardData, PortForwardData>;
  Stats(req: StatsRequest, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: StatsResponse) => void): grpc.ClientUnaryCall;
  LoadImage(cb: (err: grpc.ServiceError | null, res?: LoadImageResult) => void): grpc.ClientWritableStream<ImageChunk>;
  ImageStatus(req: ImageStatusRequest, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: ImageStatusResponse) => void): grpc.ClientUnaryCall;
  close(): void;
}

function clientConstructor(): grpc.ServiceClientConstructor {
  let node: unknown = grpc.loadPackageDefinition(kubeletPackageDefinition());
  for (const part of KUBELET_SERVICE.split('.')) node = (node as Record<string, unknown>)[part];
  return node as grpc.ServiceClientConstructor;
}

/**
 * Accepts a kubelet certificate valid for its node name or for the address we dialled.
 * We present the node name as TLS server name (an IP there is deprecated by RFC 6066
 * and Node warns about it), but either SAN is proof enough.
 */
export function kubeletIdentityCheck(addr: KubeletAddress): (name: string, cert: PeerCertificate) => Error | undefined {
  return (name, cert) => {
    const byName = checkServerIdentity(name, cert);
    if (!byName || name === addr.host) return byName;
    return checkServerIdentity(addr.host, cert) ? byName : undefined;
  };
}

export class KubeletClients {
  private readonly clients = new Map<string, KubeletStub>();
  private readonly ctor = clientConstructor();

  constructor(private readonly tls: KubeletClientTls | undefined) {}

  get(addr: KubeletAddress): KubeletStub {
    const target = `${addr.host.includes(':') ? `[${addr.host}]` : addr.host}:${addr.port}`;
    const serverName = addr.nodeName && isIP(addr.host) ? addr.nodeName : undefined;
    const key = `${target}/${serverName ?? ''}`;
    let c = this.clients.get(key);
    if (!c) {
      const creds = this.tls
        ? grpc.credentials.createSsl(Buffer.from(this.tls.caPem), Buffer.from(this.tls.keyPem), Buffer.from(this.tls.certPem), {
          checkServerIdentity: kubeletIdentityCheck(addr),
        })
        : grpc.credentials.createInsecure();
      const options: grpc.ChannelOptions = {
        // a restarted kubelet should be found again quickly
        'grpc.initial_reconnect_backoff_ms': 200,
        'grpc.max_reconnect_backoff_ms': 2000,
        'grpc.keepalive_time_ms': 30_000,
      };
      if (serverName && this.tls) options['grpc.ssl_target_name_override'] = serverName;
      c = new this.ctor(target, creds, options) as unknown as KubeletStub;
      this.clients.set(key, c);
    }
    return c;
  }

  stats(addr: KubeletAddress, req: StatsRequest, timeoutMs: number): Promise<StatsResponse> {
    return new Promise((resolve, reject) => {
      this.get(addr).Stats(req, { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res ?? { pods: [] })));
    });
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}

function dialError(details: string, addr: KubeletAddress): string | undefined {
  const hostPort = `${addr.host}:${addr.port}`;
  if (/ECONNREFUSED/.test(details)) return `dial tcp ${hostPort}: connect: connection refused`;
  if (/EHOSTUNREACH/.test(details)) return `dial tcp ${hostPort}: connect: no route to host`;
  if (/ENETUNREACH/.test(details)) return `dial tcp ${hostPort}: connect: network is unreachable`;
  if (/ETIMEDOUT|timed out|Deadline/i.test(details)) return `dial tcp ${hostPort}: i/o timeout`;
  if (/ENOTFOUND|EAI_AGAIN|Name resolution failed/.test(details)) return `dial tcp: lookup ${addr.host}: no such host`;
  if (/certificate|self.signed|SSL|TLS|handshake|altnames/i.test(details)) return `tls: failed to verify certificate: ${details}`;
  return undefined;
}

const REASONS: Partial<Record<grpc.status, [number, StatusReason]>> = {
  [grpc.status.NOT_FOUND]: [404, 'NotFound'],
  [grpc.status.INVALID_ARGUMENT]: [400, 'BadRequest'],
  [grpc.status.FAILED_PRECONDITION]: [400, 'BadRequest'],
  [grpc.status.PERMISSION_DENIED]: [403, 'Forbidden'],
  [grpc.status.UNAUTHENTICATED]: [401, 'Unauthorized'],
  [grpc.status.DEADLINE_EXCEEDED]: [504, 'Timeout'],
  [grpc.status.RESOURCE_EXHAUSTED]: [429, 'TooManyRequests'],
};

/**
 * A failed kubelet call as the Status the client sees. `what` is the kubelet URL a
 * real apiserver would have requested, so transport errors read like Kubernetes':
 * `Get "https://10.0.0.5:10250/containerLogs/ns/pod/c": dial tcp ...: connection refused`.
 */
export function kubeletErrorToApiError(err: unknown, addr: KubeletAddress, what: string): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as Partial<grpc.ServiceError>;
  const details = e.details ?? e.message ?? String(err);
  const url = `https://${addr.host.includes(':') ? `[${addr.host}]` : addr.host}:${addr.port}${what}`;
  if (e.code === grpc.status.UNAVAILABLE || e.code === undefined) {
    const dial = dialError(details, addr);
    return new ApiError(statusOf(503, 'ServiceUnavailable', `Get "${url}": ${dial ?? details}`));
  }
  if (e.code === grpc.status.DEADLINE_EXCEEDED) {
    return new ApiError(statusOf(504, 'Timeout', `Get "${url}": context deadline exceeded`));
  }
  const mapped = e.code !== undefined ? REASONS[e.code] : undefined;
  if (mapped) return new ApiError(statusOf(mapped[0], mapped[1], details));
  return new ApiError(statusOf(500, 'InternalError', `Internal error occurred: ${details}`));
}
