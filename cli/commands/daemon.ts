// Shared plumbing for long-running components: never die on a stray rejection,
// stop cleanly on SIGTERM/SIGINT.
import type { Logger } from 'pino';

export function superviseProcess(logger: Logger, close: () => Promise<void>): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection (kept running)');
  });
  process.on('uncaughtException', (err) => {
    logger.error({ err }, 'uncaught exception (kept running)');
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(0), 10_000);
    force.unref();
    close().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

export function parseIntFlag(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer (got "${v}")`);
    return n;
  };
}
