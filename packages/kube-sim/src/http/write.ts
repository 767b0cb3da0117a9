// Write verbs: create (POST), update (PUT), patch (four content types), delete, deletecollection,
// for main resources and the status / scale subresources. Every write honours dryRun=All.
import { parse as parseYaml } from 'yaml';
import type { ResourceEntry } from '../registry.ts';
import type { KubeObject } from '../types.ts';
import { SimApiError } from '../types.ts';
import { view, type ScaleTargetView } from '../views.ts';
import { badRequest, notFound, unsupportedMediaType } from '../status.ts';
import { applyJsonPatch, applyMergePatch } from '../patch/json-patch.ts';
import { applyStrategicMergePatch } from '../patch/strategic.ts';
import { serverSideApply } from '../patch/apply.ts';
import { clone, isPlainObject } from '../util.ts';
import { checkApplyTypes } from '../schema/index.ts';
import { evict } from './eviction.ts';
import { isDryRun, type WriteRequest, type WriteResult } from './write-request.ts';
import { apiVersionOfEntry, getObject, listObjects, toScale } from './read.ts';
import { successStatus } from './respond.ts';

export const PATCH_TYPES: Record<string, 'json' | 'merge' | 'strategic' | 'apply'> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** The field manager of a write: the query parameter, else the User-Agent prefix (like upstream). */
export function fieldManagerOf(query: URLSearchParams, userAgent: string): string {
  const explicit = query.get('fieldManager');
  if (explicit) {
    if (explicit.length > 128) throw badRequest('fieldManager: Too long: may not be longer than 128');
    return explicit;
  }
  return (userAgent.split('/')[0] || 'unknown').replace(/[^\x20-\x7e]/g, '').slice(0, 128);
}

/**
 * A YAML body that is JSON (what client libraries send) is read as JSON: the same values as the
 * YAML reading (upstream converts YAML to JSON first: sigs.k8s.io/yaml YAMLToJSON), without the
 * cost of a full YAML parse per apply.
 */
function parseYamlBody(body: string): unknown {
  if (body.trimStart().startsWith('{')) {
    try {
      return JSON.parse(body);
    } catch {
      // Flow-style YAML (unquoted keys, say) is not JSON: read it as YAML below.
    }
  }
  return parseYaml(body);
}

function parseBody(body: string, contentType: string): unknown {
  try {
    if (contentType.includes('yaml')) return parseYamlBody(body);
    return JSON.parse(body);
  } catch (err) {
    throw badRequest(
      `the object provided is unrecognized or malformed: ${(err as Error).message.split('\n')[0]}`,
    );
  }
}

function checkIdentity(obj: unknown, w: WriteRequest, requireName: boolean): KubeObject {
  if (!isPlainObject(obj)) throw badRequest('the object provided is unrecognized or malformed');
  const expected = apiVersionOfEntry(w.entry);
  const o = obj as KubeObject;
  o.apiVersion ||= expected;
  o.kind ||= w.entry.kind;
  if (o.apiVersion !== expected && !(o.apiVersion.split('/')[0] === w.entry.group && w.entry.group !== '')) {
    throw badRequest(
      `the API version in the data (${o.apiVersion}) does not match the expected API version (${expected})`,
    );
  }
  if (o.kind !== w.entry.kind)
    throw badRequest(`the kind in the data (${o.kind}) does not match the expected kind (${w.entry.kind})`);
  o.apiVersion = expected;
  o.metadata = isPlainObject(o.metadata) ? o.metadata : {};
  if (w.entry.namespaced) {
    if (o.metadata.namespace && o.metadata.namespace !== w.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    o.metadata.namespace = w.namespace;
  }
  if (requireName && w.name !== undefined && o.metadata.name !== w.name) {
    if (!o.metadata.name) o.metadata.name = w.name;
    else
      throw badRequest(
        `the name of the object (${o.metadata.name}) does not match the name on the URL (${w.name})`,
      );
  }
  // The server owns these; clients cannot set them.
  delete o.metadata.deletionTimestamp;
  delete o.metadata.deletionGracePeriodSeconds;
  return o;
}

/** POST/PUT bodies: JSON or YAML (no protobuf/CBOR: kubectl's typed `create` commands send protobuf). */
function requireJsonOrYaml(w: WriteRequest): void {
  const t = w.contentType;
  if (t === '' || t === 'application/json' || t === 'application/yaml' || t === '*/*') return;
  throw unsupportedMediaType(['application/json', 'application/yaml']);
}

export function create(w: WriteRequest): WriteResult {
  requireJsonOrYaml(w);
  if (w.subresource === 'eviction') return evict(w);
  const obj = checkIdentity(parseBody(w.body, w.contentType), w, false);
  delete obj.metadata.managedFields;
  const created = w.store.create(obj, {
    fieldManager: fieldManagerOf(w.query, w.userAgent),
    dryRun: isDryRun(w.query),
  });
  return { code: 201, body: created };
}

/** An autoscaling/v1 Scale as a client sends it; writeScale checks the replicas it carries. */
type ScaleBody = { spec?: { replicas?: unknown }; metadata?: { resourceVersion?: string } };

function writeScale(
  w: WriteRequest,
  current: KubeObject,
  replicas: unknown,
  rv: string | undefined,
  manager: string,
): WriteResult {
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new SimApiError(
      422,
      'Invalid',
      `Scale.autoscaling ${JSON.stringify(w.name)} is invalid: spec.replicas: Invalid value: ${String(replicas)}: must be greater than or equal to 0`,
    );
  }
  const next = view<ScaleTargetView>(clone(current));
  next.spec = { ...(next.spec ?? {}), replicas };
  next.metadata.resourceVersion = rv || current.metadata.resourceVersion;
  const updated = w.store.update(next, {
    fieldManager: manager,
    subresource: 'scale',
    dryRun: isDryRun(w.query),
  });
  return { code: 200, body: toScale(w.entry, updated) };
}

export function update(w: WriteRequest): WriteResult {
  requireJsonOrYaml(w);
  const manager = fieldManagerOf(w.query, w.userAgent);
  const dryRun = isDryRun(w.query);
  if (w.subresource === 'scale') {
    const current = getObject(w.store, w.entry, w.namespace, w.name!);
    const scale = parseBody(w.body, w.contentType) as ScaleBody | undefined;
    return writeScale(w, current, scale?.spec?.replicas, scale?.metadata?.resourceVersion, manager);
  }
  const obj = checkIdentity(parseBody(w.body, w.contentType), w, true);
  const sub = w.subresource === 'status' ? 'status' : undefined;
  const updated = w.store.update(obj, {
    fieldManager: manager,
    dryRun,
    ...(sub ? { subresource: sub } : {}),
  });
  return { code: 200, body: updated };
}

export function patch(w: WriteRequest): WriteResult {
  const type = PATCH_TYPES[w.contentType];
  if (!type) throw unsupportedMediaType(Object.keys(PATCH_TYPES));
  if (type === 'strategic' && w.entry.custom) {
    throw unsupportedMediaType([
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/apply-patch+yaml',
    ]);
  }
  const force = w.query.get('force');
  if (force !== null && type !== 'apply') throw badRequest('force is not allowed for non-apply patches');
  if (type === 'apply') return apply(w, force === 'true');
  const manager = fieldManagerOf(w.query, w.userAgent);
  const patchDoc = parseBody(w.body, 'json');
  const current = getObject(w.store, w.entry, w.namespace, w.name!);
  const run = (target: Record<string, unknown>): unknown =>
    type === 'json'
      ? applyJsonPatch(target, patchDoc)
      : type === 'merge'
        ? applyMergePatch(target, patchDoc)
        : applyStrategicMergePatch(target, patchDoc, w.entry.custom);
  if (w.subresource === 'scale') {
    const patched = run(toScale(w.entry, current)) as ScaleBody | undefined;
    return writeScale(w, current, patched?.spec?.replicas, patched?.metadata?.resourceVersion, manager);
  }
  const patched = run(current as Record<string, unknown>) as KubeObject;
  if (!isPlainObject(patched) || !isPlainObject(patched.metadata))
    throw badRequest('the patch produced an object that is not valid');
  if (patched.metadata.name !== current.metadata.name) {
    throw badRequest(
      `the name of the object (${String(patched.metadata.name)}) does not match the name on the URL (${w.name})`,
    );
  }
  patched.apiVersion = current.apiVersion;
  patched.kind = current.kind;
  patched.metadata.namespace = current.metadata.namespace;
  patched.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
  if (patched.metadata.deletionTimestamp === undefined) delete patched.metadata.deletionTimestamp;
  const sub = w.subresource === 'status' ? 'status' : undefined;
  const updated = w.store.update(patched, {
    fieldManager: manager,
    dryRun: isDryRun(w.query),
    ...(sub ? { subresource: sub } : {}),
  });
  return { code: 200, body: updated };
}

function apply(w: WriteRequest, force: boolean): WriteResult {
  const manager = w.query.get('fieldManager');
  if (!manager) throw badRequest('fieldManager is required for apply requests');
  if (manager.length > 128) throw badRequest('fieldManager: Too long: may not be longer than 128');
  const dryRun = isDryRun(w.query);
  const config = checkIdentity(parseBody(w.body, 'yaml'), w, true);
  if (config.metadata.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
  if (w.subresource !== 'scale') checkApplyTypes(config, w.entry);
  const current = w.store.get(apiVersionOfEntry(w.entry), w.entry.kind, w.namespace, w.name!);
  if (w.subresource === 'scale') {
    if (!current) throw notFound(w.entry, w.name!);
    return writeScale(w, current, view<ScaleTargetView>(config).spec?.replicas, undefined, manager);
  }
  if (!current && w.subresource) throw notFound(w.entry, w.name!);
  const ctx = {
    kind: w.entry.kind,
    custom: w.entry.custom,
    statusSubresource: w.entry.subresources.includes('status'),
  };
  const merged = serverSideApply({
    live: current,
    config,
    manager,
    force,
    ctx,
    ...(w.subresource === 'status' ? { subresource: 'status' as const } : {}),
  });
  if (!current) {
    const authorize = w.authorizeCreate;
    const created = w.store.create(merged, { managedFieldsComputed: true, dryRun, authorize });
    return { code: 201, body: created };
  }
  const sub = w.subresource === 'status' ? 'status' : undefined;
  const updated = w.store.update(merged, {
    managedFieldsComputed: true,
    dryRun,
    ...(sub ? { subresource: sub } : {}),
  });
  return { code: 200, body: updated };
}

/** Kinds whose DELETE answers with the object rather than a Status (upstream ReturnDeletedObject). */
function returnsObject(entry: ResourceEntry): boolean {
  return entry.custom || (entry.group === '' && ['Pod', 'Service', 'Namespace'].includes(entry.kind));
}

interface DeleteBody {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

function deleteOptions(w: WriteRequest) {
  const body = (w.body.trim() ? parseBody(w.body, 'json') : {}) as DeleteBody;
  const q = w.query;
  let policy = (q.get('propagationPolicy') ?? body.propagationPolicy) as DeleteBody['propagationPolicy'];
  if (policy && !['Foreground', 'Background', 'Orphan'].includes(policy)) {
    throw new SimApiError(
      422,
      'Invalid',
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  const orphan = q.get('orphanDependents') ?? body.orphanDependents;
  if (!policy && (orphan === true || orphan === 'true')) policy = 'Orphan';
  const grace = q.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
  const dryRun = isDryRun(q) || (Array.isArray(body.dryRun) && body.dryRun.includes('All'));
  return {
    ...(policy ? { propagationPolicy: policy } : {}),
    ...(grace !== undefined && grace !== null ? { gracePeriodSeconds: Number(grace) } : {}),
    ...(body.preconditions ? { preconditions: body.preconditions } : {}),
    dryRun,
    graceful: true,
  };
}

export function remove(w: WriteRequest): WriteResult {
  const opts = deleteOptions(w);
  const apiVersion = apiVersionOfEntry(w.entry);
  const result = w.store.delete(apiVersion, w.entry.kind, w.namespace, w.name!, opts);
  if (!result) throw notFound(w.entry, w.name!);
  const still = w.store.get(apiVersion, w.entry.kind, w.namespace, w.name!);
  if (still?.metadata.deletionTimestamp || opts.dryRun)
    return { code: 200, body: opts.dryRun ? result : still };
  if (returnsObject(w.entry)) return { code: 200, body: result };
  return {
    code: 200,
    body: successStatus({
      name: w.name,
      ...(w.entry.group ? { group: w.entry.group } : {}),
      kind: w.entry.resource,
      uid: result.metadata.uid,
    }),
  };
}

export function removeCollection(w: WriteRequest): WriteResult {
  const opts = deleteOptions(w);
  const list = listObjects(w.store, w.entry, w.namespace, w.query) as { items: KubeObject[] };
  const apiVersion = apiVersionOfEntry(w.entry);
  const deleted: unknown[] = [];
  for (const item of list.items) {
    const d = w.store.delete(
      apiVersion,
      w.entry.kind,
      item.metadata.namespace,
      item.metadata.name ?? '',
      opts,
    );
    if (d) deleted.push(d);
  }
  return { code: 200, body: { ...list, items: deleted } };
}
