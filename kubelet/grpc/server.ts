// The kubelet's gRPC endpoint for the apiserver: logs, exec, port-forward, stats and image load,
// over mutual TLS with the cluster CA. Only the apiserver's kubelet-client identity
// (or a system:masters certificate) may call it.
import * as grpc from '@grpc/grpc-js';
import type Dockerode from 'dockerode';
import type { PeerCertificate } from 'node:tls';
import {
  KUBELET_SERVICE, kubeletPackageDefinition, type ExecInput, type ExecOutput, type ImageChunk, type ImageStatusRequest,
  type ImageStatusResponse, type LoadImageResult, type LogChunk, type LogRequest, type PortForwardData, type StatsRequest, type StatsResponse,
} from '../../api/kubelet-proto.js';
import type { Logger } from '../../client/logger.js';
import { errorFields } from '../../client/logger.js';
import { denied, toKubeletError } from './errors.js';
import { serveLogs } from './logs.js';
import { serveExec } from './exec.js';
import { servePortForward } from './portforward.js';
import { collectStats } from './stats.js';
import { imageStatus, serveLoadImage } from './image-load.js';

export interface KubeletGrpcOptions {
  port: number;
  host?: string;
  /** undefined: plaintext, for tests only */
  tls: { caPem: string; certPem: string; keyPem: string } | undefined;
  docker: Dockerode;
  nodeName: string;
  logger: Logger;
}

export interface KubeletGrpcServer {
  port: number;
  close(): Promise<void>;
}

export const APISERVER_CLIENT_CN = 'kube-apiserver-kubelet-client';

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Whether a verified client certificate may use the kubelet API. */
export function mayCallKubelet(cert: Pick<PeerCertificate, 'subject'> | undefined): boolean {
  if (!cert?.subject) return false;
  const cn = asList(cert.subject.CN as string | string[] | undefined);
  const orgs = asList(cert.subject.O as string | string[] | undefined);
  return cn.includes(APISERVER_CLIENT_CN) || orgs.includes('system:masters');
}

type AnyCall = { getAuthContext(): { sslPeerCertificate?: PeerCertificate } };

function serviceDefinition(): grpc.ServiceDefinition {
  const pkg = grpc.loadPackageDefinition(kubeletPackageDefinition());
  let node: unknown = pkg;
  for (const part of KUBELET_SERVICE.split('.')) node = (node as Record<string, unknown>)[part];
  return (node as grpc.ServiceClientConstructor).service;
}

export async function startKubeletGrpcServer(opts: KubeletGrpcOptions): Promise<KubeletGrpcServer> {
  const { docker, nodeName } = opts;
  const logger = opts.logger;
  const server = new grpc.Server({ 'grpc.keepalive_permit_without_calls': 1 });
  const secure = opts.tls !== undefined;
  const allowed = (call: AnyCall): boolean => {
    if (!secure) return true;
    try {
      return mayCallKubelet(call.getAuthContext().sslPeerCertificate);
    } catch {
      return false;
    }
  };
  const forbidden = () => denied('forbidden: only the apiserver may use the kubelet API');

  const impl: grpc.UntypedServiceImplementation = {
    Logs: (call: grpc.ServerWritableStream<LogRequest, LogChunk>) => {
      if (!allowed(call)) {
        call.emit('error', forbidden());
        return;
      }
      serveLogs(docker, nodeName, logger, call).catch((err: unknown) => call.emit('error', toKubeletError(err)));
    },
    Exec: (call: grpc.ServerDuplexStream<ExecInput, ExecOutput>) => {
      if (!allowed(call)) {
        call.emit('error', forbidden());
        return;
      }
      serveExec(docker, nodeName, logger, call);
    },
    PortForward: (call: grpc.ServerDuplexStream<PortForwardData, PortForwardData>) => {
      if (!allowed(call)) {
        call.emit('error', forbidden());
        return;
      }
      servePortForward(docker, nodeName, logger, call);
    },
    Stats: (call: grpc.ServerUnaryCall<StatsRequest, StatsResponse>, callback: grpc.sendUnaryData<StatsResponse>) => {
      if (!allowed(call)) return callback(forbidden());
      collectStats(docker, nodeName, logger, call.request).then(
        (r) => callback(null, r),
        (err: unknown) => {
          logger.warn({ ...errorFields(err) }, 'stats failed');
          callback(toKubeletError(err));
        },
      );
    },
    LoadImage: (call: grpc.ServerReadableStream<ImageChunk, LoadImageResult>, callback: grpc.sendUnaryData<LoadImageResult>) => {
      if (!allowed(call)) return callback(forbidden());
      serveLoadImage(docker, logger, call, callback);
    },
    ImageStatus: (call: grpc.ServerUnaryCall<ImageStatusRequest, ImageStatusResponse>, callback: grpc.sendUnaryData<ImageStatusResponse>) => {
      if (!allowed(call)) return callback(forbidden());
      imageStatus(docker, call.request).then((r) => callback(null, r), (err: unknown) => callback(toKubeletError(err)));
    },
  };
  server.addService(serviceDefinition(), impl);

  const creds = opts.tls
    ? grpc.ServerCredentials.createSsl(Buffer.from(opts.tls.caPem), [{ private_key: Buffer.from(opts.tls.keyPem), cert_chain: Buffer.from(opts.tls.certPem) }], true)
    : grpc.ServerCredentials.createInsecure();
  const host = opts.host ?? '0.0.0.0';
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${opts.port}`, creds, (err, p) => (err ? reject(err) : resolve(p)));
  });
  logger.info({ host, port, tls: secure }, 'kubelet gRPC server listening');
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 2000);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    }),
  };
}
