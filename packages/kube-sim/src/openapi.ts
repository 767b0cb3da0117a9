// OpenAPI documents, just enough for clients: kubectl's validation asks /openapi/v3 whether each
// kind's PATCH accepts `fieldValidation` (then it leaves validation to the server). Schemas are
// open objects: the simulator does not validate field names.
import { createHash } from 'node:crypto';
import type { Registry, ResourceEntry } from './registry.ts';
import { apiVersionOf } from './registry.ts';
import { SERVER_VERSION } from './discovery.ts';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function gvHash(registry: Registry, group: string, version: string): string {
  const rows = registry
    .all()
    .filter((e) => e.group === group && e.version === version)
    .map((e) => `${e.resource}:${e.kind}:${e.namespaced}:${e.subresources.join(',')}`);
  return createHash('sha512').update(rows.join('\n')).digest('hex').slice(0, 128).toUpperCase();
}

export function openApiV3Root(registry: Registry): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const g of registry.groups()) {
    for (const v of g.versions) {
      const p = gvPath(g.name, v);
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${gvHash(registry, g.name, v)}` };
    }
  }
  return { paths };
}

const param = (name: string, description: string) => ({
  name,
  in: 'query',
  description,
  schema: { type: 'string', uniqueItems: true },
});
const WRITE_PARAMS = [
  param('dryRun', 'When present, indicates that modifications should not be persisted.'),
  param(
    'fieldManager',
    'fieldManager is a name associated with the actor or entity that is making these changes.',
  ),
  param(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.',
  ),
];

function schemaName(e: ResourceEntry): string {
  return `${e.group || 'core'}.${e.version}.${e.kind}`;
}

function operations(e: ResourceEntry): Record<string, unknown> {
  const gvk = { group: e.group, version: e.version, kind: e.kind };
  const ref = { $ref: `#/components/schemas/${schemaName(e)}` };
  const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
  const base = `/${gvPath(e.group, e.version)}${e.namespaced ? '/namespaces/{namespace}' : ''}/${e.resource}`;
  const ext = (action: string) => ({ 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk });
  const id = (verb: string) => `${verb}${e.kind}`;
  return {
    [base]: {
      get: { operationId: id('list'), ...ext('list'), responses: ok },
      post: { operationId: id('create'), ...ext('post'), parameters: WRITE_PARAMS, responses: ok },
    },
    [`${base}/{name}`]: {
      get: { operationId: id('read'), ...ext('get'), responses: ok },
      put: { operationId: id('replace'), ...ext('put'), parameters: WRITE_PARAMS, responses: ok },
      // No requestBody: kubectl then builds client-side apply patches from its compiled types.
      patch: {
        operationId: id('patch'),
        ...ext('patch'),
        parameters: [...WRITE_PARAMS, param('force', 'Force is going to "force" Apply requests.')],
        responses: ok,
      },
      delete: { operationId: id('delete'), ...ext('delete'), parameters: [WRITE_PARAMS[0]], responses: ok },
    },
  };
}

export function openApiV3GroupVersion(
  registry: Registry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const entries = registry.all().filter((e) => e.group === group && e.version === version);
  if (entries.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const e of entries) {
    Object.assign(paths, operations(e));
    schemas[schemaName(e)] = {
      type: 'object',
      description: `${e.kind} (${apiVersionOf(e.group, e.version)}), served by the simulated cluster.`,
      'x-kubernetes-group-version-kind': [{ group: e.group, version: e.version, kind: e.kind }],
      'x-kubernetes-preserve-unknown-fields': true,
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths,
    components: { schemas },
  };
}

/** Minimal Swagger 2.0 document (JSON only). */
export function openApiV2(): Record<string, unknown> {
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths: {},
    definitions: {},
  };
}
