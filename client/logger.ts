// The slice of pino's API the client library logs through, so components can pass
// their own (child) pino logger and tests can pass nothing.

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(obj: LogFields, msg?: string): void;
  info(obj: LogFields, msg?: string): void;
  warn(obj: LogFields, msg?: string): void;
  error(obj: LogFields, msg?: string): void;
}

const noop = (): void => {};

export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** A loggable summary of an error: message and code only, never request bodies or headers. */
export function errorFields(err: unknown): LogFields {
  if (err instanceof Error) {
    const fields: LogFields = { err: err.message };
    const code = (err as { code?: unknown }).code;
    if (code !== undefined) fields.code = code;
    return fields;
  }
  return { err: String(err) };
}
