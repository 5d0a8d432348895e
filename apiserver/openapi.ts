// Minimal OpenAPI v3 documents: just enough for kubectl's apply/create validation
// and `explain`-style lookups, derived from the RESOURCES table.
//
// kubectl checks that the PATCH operation for a kind accepts `fieldValidation`; if so
// it leaves validation to the server (fieldValidation=Strict). The PATCH operations
// deliberately carry no requestBody: without a strategic-merge-patch body kubectl
// computes patches from its compiled-in types (correct list merge keys) instead of
// from these free-form schemas.

import { createHash } from 'node:crypto';
import { type ResourceInfo, RESOURCES, allGroups, groupVersions } from '../api/resources.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface OpenApiV3Root {
  paths: Record<string, { serverRelativeURL: string }>;
}

export interface OpenApiV3Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, JsonObject>;
  components: { schemas: Record<string, JsonObject> };
}

/** `api/v1` or `apis/<group>/<version>`: the key under /openapi/v3. */
export function openApiPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** `core`, `apps`, `rbac` (from rbac.authorization.k8s.io): the group label Kubernetes uses in names. */
function shortGroup(group: string): string {
  return group === '' ? 'core' : (group.split('.')[0] ?? group);
}

/** `io.k8s.api.<short group>.<version>.<Kind>`, as Kubernetes names its schemas. */
export function schemaName(r: Pick<ResourceInfo, 'group' | 'version' | 'kind'>): string {
  return `io.k8s.api.${shortGroup(r.group)}.${r.version}.${r.kind}`;
}

function gvkObject(r: ResourceInfo): JsonObject {
  return { group: r.group, version: r.version, kind: r.kind };
}

const FREE_FORM: JsonObject = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

function kindSchema(r: ResourceInfo): JsonObject {
  return {
    description: `${r.kind} (${shortGroup(r.group)}/${r.version}); fields are not described by kubelite.`,
    type: 'object',
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
      metadata: { ...FREE_FORM, description: 'Standard object metadata.' },
      spec: { ...FREE_FORM },
      status: { ...FREE_FORM },
    },
    // Client-side validation must accept any field: the server is the validator.
    'x-kubernetes-preserve-unknown-fields': true,
    'x-kubernetes-group-version-kind': [gvkObject(r)],
  };
}

function queryParam(name: string, description: string, type: 'string' | 'boolean'): JsonObject {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

function pathParam(name: string, description: string): JsonObject {
  return { name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } };
}

function operationId(r: ResourceInfo): string {
  const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  return `patch${pascal(shortGroup(r.group))}${pascal(r.version)}${r.namespaced ? 'Namespaced' : ''}${r.kind}`;
}

function itemPath(r: ResourceInfo): string {
  const base = `/${openApiPath(r.group, r.version)}`;
  return r.namespaced ? `${base}/namespaces/{namespace}/${r.resource}/{name}` : `${base}/${r.resource}/{name}`;
}

function patchPathItem(r: ResourceInfo): JsonObject {
  const pathParams: Json[] = [pathParam('name', `name of the ${r.kind}`)];
  if (r.namespaced) pathParams.push(pathParam('namespace', 'object name and auth scope, such as for teams and projects'));
  const ref = { $ref: `#/components/schemas/${schemaName(r)}` };
  return {
    parameters: pathParams,
    patch: {
      tags: [`${shortGroup(r.group)}_${r.version}`],
      description: `partially update the specified ${r.kind}`,
      operationId: operationId(r),
      parameters: [
        queryParam('dryRun', 'When present, indicates that modifications should not be persisted.', 'string'),
        queryParam('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.', 'string'),
        queryParam(
          'fieldValidation',
          'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.',
          'string',
        ),
        queryParam('force', 'Force is going to "force" Apply requests. It must be unset for non-apply patch requests.', 'boolean'),
      ],
      responses: {
        '200': { description: 'OK', content: { 'application/json': { schema: ref } } },
        '201': { description: 'Created', content: { 'application/json': { schema: ref } } },
        '401': { description: 'Unauthorized' },
      },
      'x-kubernetes-action': 'patch',
      'x-kubernetes-group-version-kind': gvkObject(r),
    },
  };
}

function buildDoc(group: string, version: string): OpenApiV3Document | undefined {
  const kinds = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (kinds.length === 0) return undefined;
  const paths: Record<string, JsonObject> = {};
  const schemas: Record<string, JsonObject> = {};
  for (const r of kinds) {
    paths[itemPath(r)] = patchPathItem(r);
    schemas[schemaName(r)] = kindSchema(r);
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas } };
}

/** Uppercase hex SHA-512 of the serialised document, like Kubernetes' ETag hashes. */
function hashOf(doc: OpenApiV3Document): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}

// Documents are derived from a constant table, so each is built and hashed once.
const cache = new Map<string, { doc: OpenApiV3Document; hash: string } | undefined>();

/** The document for one group-version and its hash; undefined when not served. */
export function openApiV3Doc(group: string, version: string): { doc: OpenApiV3Document; hash: string } | undefined {
  const key = openApiPath(group, version);
  if (!cache.has(key)) {
    const doc = buildDoc(group, version);
    cache.set(key, doc === undefined ? undefined : { doc, hash: hashOf(doc) });
  }
  return cache.get(key);
}

/** Resolves `api/v1` or `apis/apps/v1` (as under /openapi/v3/) to its document. */
export function openApiV3DocForPath(path: string): { doc: OpenApiV3Document; hash: string } | undefined {
  const parts = path.replace(/^\/+|\/+$/g, '').split('/');
  if (parts.length === 2 && parts[0] === 'api' && parts[1] !== undefined) return openApiV3Doc('', parts[1]);
  if (parts.length === 3 && parts[0] === 'apis' && parts[1] !== undefined && parts[2] !== undefined) return openApiV3Doc(parts[1], parts[2]);
  return undefined;
}

/** `GET /openapi/v3`: every served group-version with a hash-pinned URL kubectl can cache. */
export function openApiV3Root(): OpenApiV3Root {
  const paths: OpenApiV3Root['paths'] = {};
  for (const group of allGroups()) {
    for (const version of groupVersions(group)) {
      const entry = openApiV3Doc(group, version);
      if (entry === undefined) continue;
      const path = openApiPath(group, version);
      paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${entry.hash}` };
    }
  }
  return { paths };
}
