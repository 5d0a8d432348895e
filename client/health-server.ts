// The small HTTP endpoint long-running components without an API of their own
// (proxy, dns) serve: Prometheus metrics plus JSON health checks.
import http from 'node:http';
import type { Registry } from 'prom-client';

export type HealthCheck = () => { ok: boolean; detail: string };

/**
 * Serves `registry` at /metrics and each of `checks` at its path (200 when ok,
 * 503 otherwise, `{"status","detail"}` as JSON); anything else is 404.
 */
export async function serveMetricsAndHealth(host: string, port: number, registry: Registry, checks: Record<string, HealthCheck>): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const check = Object.hasOwn(checks, path) ? checks[path] : undefined;
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        },
        (e: unknown) => {
          res.writeHead(500);
          res.end(String(e));
        },
      );
    } else if (check) {
      const h = check();
      res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: h.ok ? 'ok' : 'unhealthy', detail: h.detail }) + '\n');
    } else {
      res.writeHead(404);
      res.end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
