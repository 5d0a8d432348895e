// The request line of POST /api/v1/nodes/{node}/proxy/images/load: which images the
// tar holds (`image`, repeated) and, optionally, the ID each has on the sender (`id`,
// repeated in the same order), which lets the kubelet skip images it already has.
import { errors } from '../../api/errors.js';
import type { ImageRef } from '../../api/kubelet-proto.js';

export const IMAGE_TAR_CONTENT_TYPE = 'application/x-tar';
const MAX_IMAGES = 64;

export function parseImageLoadQuery(q: URLSearchParams): ImageRef[] {
  const names = q.getAll('image');
  const ids = q.getAll('id');
  if (names.length === 0) throw errors.badRequest('query parameter "image" is required: name each image the archive holds');
  if (names.length > MAX_IMAGES) throw errors.badRequest(`at most ${MAX_IMAGES} images per request`);
  if (ids.length !== 0 && ids.length !== names.length) {
    throw errors.badRequest(`"id" must be given once per "image" (got ${ids.length} for ${names.length})`);
  }
  return names.map((name, i) => {
    if (!name || name.length > 512 || /\s/.test(name)) throw errors.badRequest(`image: Invalid value: "${name}"`);
    const id = ids[i] ?? '';
    if (id && !/^sha256:[0-9a-f]{64}$/.test(id)) throw errors.badRequest(`id: Invalid value: "${id}": must be sha256:<64 hex digits>`);
    return { name, id };
  });
}

/** `application/x-tar; charset=binary` → true; the body is never parsed by the apiserver. */
export function isTarContentType(header: string | undefined): boolean {
  return (header ?? '').split(';')[0].trim().toLowerCase() === IMAGE_TAR_CONTENT_TYPE;
}
