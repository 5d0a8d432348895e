// Decodes request bodies (JSON, YAML, Kubernetes protobuf) into API objects.
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../api/meta.js';
import { errors } from '../../api/errors.js';
import { decodeKubernetesProtobuf } from '../protobuf/decode.js';
import { baseContentType } from './negotiate.js';

export const PATCH_TYPES = [
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/**
 * Media types decodeObject and the patch code read. The server registers its body
 * reader under each of them by name as well as for '*': fastify caches parser lookups
 * for named types, while a catch-all match re-parses the Content-Type on every request.
 */
export const BODY_MEDIA_TYPES = [
  'application/json', 'application/yaml', 'application/x-yaml', 'text/yaml', 'application/vnd.kubernetes.protobuf', ...PATCH_TYPES,
];

export function decodeObject(contentType: string | undefined, body: Buffer | undefined): KubeObject {
  if (!body || body.length === 0) throw errors.badRequest('the request body is empty; an object was expected');
  const type = baseContentType(contentType);
  let value: unknown;
  switch (type) {
    case '':
    case 'application/json':
      value = parseJson(body);
      break;
    case 'application/yaml':
    case 'application/x-yaml':
    case 'text/yaml':
      try {
        value = parseYaml(body.toString('utf8'));
      } catch (e) {
        throw errors.badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
      }
      break;
    case 'application/vnd.kubernetes.protobuf':
      try {
        value = decodeKubernetesProtobuf(body);
      } catch (e) {
        throw errors.badRequest(`unable to decode protobuf body: ${(e as Error).message}`);
      }
      break;
    default:
      throw errors.unsupportedMediaType(type);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw errors.badRequest('the request body must be an object');
  }
  return value as KubeObject;
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw errors.badRequest(`invalid JSON in request body: ${(e as Error).message}`);
  }
}
