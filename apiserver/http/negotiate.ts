// Response format negotiation: JSON, YAML, or a meta.k8s.io/v1 Table.

export type ResponseFormat = 'json' | 'yaml' | 'table';

// Clients send the same few Accept headers over and over; the answer depends on the
// header alone, so it is remembered (bounded: an odd client cannot grow it without limit).
const negotiated = new Map<string, ResponseFormat>();
const NEGOTIATED_MAX = 256;

export function negotiate(accept: string | undefined): ResponseFormat {
  if (!accept) return 'json';
  let format = negotiated.get(accept);
  if (format === undefined) {
    if (negotiated.size >= NEGOTIATED_MAX) negotiated.clear();
    negotiated.set(accept, (format = negotiateUncached(accept)));
  }
  return format;
}

function negotiateUncached(accept: string): ResponseFormat {
  for (const raw of accept.split(',')) {
    const [type, ...params] = raw.trim().split(';').map((s) => s.trim());
    const p = new Map(params.map((kv) => kv.split('=') as [string, string]));
    if (p.get('as') === 'Table' && (type === 'application/json' || type === '*/*')) return 'table';
    if (p.get('as')) continue; // PartialObjectMetadata etc: fall through to plain JSON
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return 'json';
    if (type === 'application/yaml') return 'yaml';
  }
  return 'json';
}

/** True when the client accepts nothing we can produce (e.g. only protobuf). */
export function acceptsOnly(accept: string | undefined, types: string[]): boolean {
  if (!accept) return false;
  const offered = accept.split(',').map((s) => s.split(';')[0].trim());
  return offered.every((t) => types.includes(t));
}

export function baseContentType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}
