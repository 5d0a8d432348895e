// A streaming POST to the apiserver with the kubeconfig's credentials. RestClient
// sends whole buffers; an image archive may be hundreds of MB, so it is piped here.
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { ClientConfig } from '../../client/kubeconfig.js';
import { encodeQuery, type Query } from '../../client/paths.js';
import { decodeError } from '../../client/rest.js';

export interface Upload {
  /** the request body: write to it, or pipe into it */
  req: ClientRequest;
  /** the decoded JSON answer; rejects with ApiError on a non-2xx answer. It may come before the body ends. */
  response: Promise<unknown>;
}

export class Uploader {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  constructor(private readonly config: ClientConfig, private readonly userAgent = 'kubelite-cli/0.1.0') {
    this.base = new URL(config.server);
    const secure = this.base.protocol === 'https:';
    this.transport = secure ? https : http;
    // Keep-alive, so no `Connection: close`: with it the server would close the socket
    // right after an early answer (already present, or an error) while we still send,
    // and the reset can swallow that answer. The agent is destroyed by close().
    this.agent = secure
      ? new https.Agent({
          ca: config.ca, cert: config.cert, key: config.key, rejectUnauthorized: !config.insecureSkipTLSVerify, servername: config.tlsServerName,
          keepAlive: true,
        })
      : new http.Agent({ keepAlive: true });
  }

  post(path: string, query: Query, contentType: string): Upload {
    const url = new URL(this.base.pathname.replace(/\/+$/, '') + path + encodeQuery(query), this.base);
    const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': contentType, 'User-Agent': this.userAgent };
    if (this.config.token) headers.Authorization = `Bearer ${this.config.token}`;
    const req = this.transport.request(url, { method: 'POST', headers, agent: this.agent });
    const response = new Promise<unknown>((resolve, reject) => {
      let answered = false;
      req.on('response', (res: IncomingMessage) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const code = res.statusCode ?? 0;
          if (code < 200 || code >= 300) return reject(decodeError(res, body));
          try {
            resolve(JSON.parse(body.toString('utf8')));
          } catch {
            reject(new Error(`${path}: the server answered ${code} without a JSON body`));
          }
        });
      });
      // once the answer is in, a reset of the upload side does not matter
      req.on('error', (err) => {
        if (!answered) reject(err);
      });
    });
    return { req, response };
  }

  close(): void {
    this.agent.destroy();
  }
}
