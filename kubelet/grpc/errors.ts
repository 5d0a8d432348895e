// gRPC status errors the kubelet answers with; their messages are written for the
// end user, since the apiserver passes them on inside a Kubernetes Status.
import { status, Metadata, type StatusObject } from '@grpc/grpc-js';

export class KubeletError extends Error implements Partial<StatusObject> {
  readonly code: status;
  readonly details: string;
  readonly metadata = new Metadata();
  constructor(code: status, message: string) {
    super(message);
    this.code = code;
    this.details = message;
  }
}

export const notFound = (m: string) => new KubeletError(status.NOT_FOUND, m);
export const invalid = (m: string) => new KubeletError(status.INVALID_ARGUMENT, m);
export const precondition = (m: string) => new KubeletError(status.FAILED_PRECONDITION, m);
export const unavailable = (m: string) => new KubeletError(status.UNAVAILABLE, m);
export const denied = (m: string) => new KubeletError(status.PERMISSION_DENIED, m);

/** Any thrown value as a gRPC status error; Docker's HTTP errors keep their meaning. */
export function toKubeletError(err: unknown): KubeletError {
  if (err instanceof KubeletError) return err;
  const e = err as { statusCode?: number; json?: { message?: string }; message?: string };
  const message = e.json?.message ?? e.message ?? String(err);
  if (e.statusCode === 404) return new KubeletError(status.NOT_FOUND, message);
  if (e.statusCode === 409) return new KubeletError(status.FAILED_PRECONDITION, message);
  return new KubeletError(status.INTERNAL, message);
}
