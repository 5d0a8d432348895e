// WebSockets to the apiserver (exec, port-forward) with the kubeconfig's TLS
// and credentials; a refused upgrade comes back as the server's Status.
import type { IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
import type { ClientConfig } from '../../client/kubeconfig.js';
import { decodeError } from '../../client/rest.js';
import { encodeQuery, type Query } from '../../client/paths.js';

export async function openWebSocket(config: ClientConfig, path: string, query: Query, protocols: string[]): Promise<WebSocket> {
  // loaded on demand: most verbs never open a WebSocket
  const { default: WebSocketImpl } = await import('ws');
  const base = new URL(config.server);
  const scheme = base.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${base.host}${base.pathname.replace(/\/+$/, '')}${path}${encodeQuery(query)}`;
  const headers: Record<string, string> = {};
  if (config.token) headers.Authorization = `Bearer ${config.token}`;
  // ws hands unknown options on to tls.connect; servername is one of them
  const tls = { servername: config.tlsServerName } as Record<string, unknown>;
  const ws = new WebSocketImpl(url, protocols, {
    ca: config.ca,
    cert: config.cert,
    key: config.key,
    rejectUnauthorized: !config.insecureSkipTLSVerify,
    headers,
    perMessageDeflate: false,
    ...(config.tlsServerName ? tls : {}),
  });
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    ws.once('error', onError);
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => reject(decodeError(res, Buffer.concat(chunks))));
      res.on('error', reject);
    });
    ws.once('open', () => {
      ws.off('error', onError);
      resolve(ws);
    });
  });
}

/** A message as a Buffer, whatever shape ws hands it over in. */
export function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data as ArrayBuffer);
}
