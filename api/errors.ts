// Kubernetes `Status` errors: thrown inside the apiserver, returned on the wire,
// and decoded again by the client so callers can branch on `reason`/`code`.
import type { Status, StatusCause, StatusDetails } from './meta.js';

export type StatusReason =
  | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'BadRequest' | 'Forbidden' | 'Unauthorized'
  | 'MethodNotAllowed' | 'NotAcceptable' | 'UnsupportedMediaType' | 'RequestEntityTooLarge'
  | 'Expired' | 'Gone' | 'Timeout' | 'TooManyRequests' | 'InternalError' | 'ServiceUnavailable';

/** One invalid field, as a 422 `Status` lists it in `details.causes`. */
export interface FieldError {
  /** `FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`, `FieldValueDuplicate`, `FieldValueTooLong`, `FieldValueForbidden` */
  type: string;
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: Status;
  constructor(status: Status) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.name = 'ApiError';
    this.status = status;
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

export function statusOf(code: number, reason: StatusReason | undefined, message: string, details?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: code < 400 ? 'Success' : 'Failure', message, code };
  if (reason) s.reason = reason;
  if (details) s.details = details;
  return s;
}

/** `deployments.apps` for a grouped resource, `pods` for a core one: how Kubernetes names it in messages. */
export function qualifiedResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const errors = {
  notFound(resource: string, group: string, name: string): ApiError {
    return new ApiError(statusOf(404, 'NotFound', `${qualifiedResource(resource, group)} "${name}" not found`,
      { name, group: group || undefined, kind: resource }));
  },
  alreadyExists(resource: string, group: string, name: string): ApiError {
    return new ApiError(statusOf(409, 'AlreadyExists', `${qualifiedResource(resource, group)} "${name}" already exists`,
      { name, group: group || undefined, kind: resource }));
  },
  conflict(resource: string, group: string, name: string, why: string): ApiError {
    return new ApiError(statusOf(409, 'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": ${why}`,
      { name, group: group || undefined, kind: resource }));
  },
  invalid(kind: string, group: string, name: string, fieldErrors: FieldError[]): ApiError {
    const causes: StatusCause[] = fieldErrors.map((e) => ({ reason: e.type, message: e.message, field: e.field }));
    const summary = fieldErrors.map((e) => `${e.field}: ${e.message}`).join(', ');
    const qualifiedKind = group ? `${kind}.${group}` : kind;
    return new ApiError(statusOf(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`,
      { name, group: group || undefined, kind, causes }));
  },
  badRequest(message: string): ApiError {
    return new ApiError(statusOf(400, 'BadRequest', message));
  },
  unauthorized(message = 'Unauthorized'): ApiError {
    return new ApiError(statusOf(401, 'Unauthorized', message));
  },
  forbidden(message: string): ApiError {
    return new ApiError(statusOf(403, 'Forbidden', message));
  },
  methodNotAllowed(message: string): ApiError {
    return new ApiError(statusOf(405, 'MethodNotAllowed', message));
  },
  notAcceptable(message: string): ApiError {
    return new ApiError(statusOf(406, 'NotAcceptable', message));
  },
  unsupportedMediaType(contentType: string): ApiError {
    return new ApiError(statusOf(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${contentType})`));
  },
  tooLarge(message = 'the request body is too large'): ApiError {
    return new ApiError(statusOf(413, 'RequestEntityTooLarge', message));
  },
  expired(message: string): ApiError {
    return new ApiError(statusOf(410, 'Expired', message));
  },
  internal(message: string): ApiError {
    return new ApiError(statusOf(500, 'InternalError', `Internal error occurred: ${message}`));
  },
  unavailable(message: string): ApiError {
    return new ApiError(statusOf(503, 'ServiceUnavailable', message));
  },
};

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && e.code === 404;
}

export function isConflict(e: unknown): boolean {
  return e instanceof ApiError && e.code === 409 && e.reason === 'Conflict';
}

export function isAlreadyExists(e: unknown): boolean {
  return e instanceof ApiError && e.reason === 'AlreadyExists';
}
