// Server-side apply (application/apply-patch+yaml): merge an applied configuration into the live
// object, track per-manager ownership in metadata.managedFields, report conflicts with other
// managers, and remove fields this manager applied before and no longer applies.
import { SimApiError } from '../types.ts';
import type { KubeObject } from '../types.ts';
import { clone, isPlainObject } from '../util.ts';
import { applyListKind, isAtomicStruct } from './schema.ts';
import { SEP, collectFields, humanPath, itemKey, removeField } from './fields.ts';
import type { FieldCtx } from './fields.ts';
import { decodeManaged, encodeManaged, ownerFor } from './managed.ts';
import type { Owner } from './managed.ts';

export interface ApplyRequest {
  live: KubeObject | undefined;
  config: KubeObject;
  manager: string;
  force: boolean;
  ctx: FieldCtx;
  subresource?: 'status';
}

function mergeApplied(target: unknown, cfg: unknown, names: string[], ctx: FieldCtx): unknown {
  if (isPlainObject(cfg)) {
    if (isAtomicStruct(names, ctx.custom, ctx.kind)) return clone(cfg);
    const out: Record<string, unknown> = isPlainObject(target) ? target : {};
    for (const [k, v] of Object.entries(cfg)) {
      if (v === null) delete out[k];
      else if (v !== undefined) out[k] = mergeApplied(out[k], v, [...names, k], ctx);
    }
    return out;
  }
  if (Array.isArray(cfg)) {
    const lk = applyListKind(names, ctx.custom);
    if (lk.type === 'map' && Array.isArray(target)) {
      const result = target.slice();
      for (const item of cfg) {
        const key = JSON.stringify(itemKey(item, lk.keys));
        const idx = result.findIndex((x) => JSON.stringify(itemKey(x, lk.keys)) === key);
        if (idx >= 0) result[idx] = mergeApplied(result[idx], item, names, ctx);
        else result.push(clone(item));
      }
      return result;
    }
    if (lk.type === 'set' && Array.isArray(target)) {
      return [...target, ...cfg.filter((x) => !target.some((t) => JSON.stringify(t) === JSON.stringify(x)))];
    }
    return clone(cfg);
  }
  return cfg;
}

function describeManager(o: Owner): string {
  const sub = o.subresource ? ` with subresource ${JSON.stringify(o.subresource)}` : '';
  if (o.operation === 'Update') return `${JSON.stringify(o.manager)}${sub} using ${o.apiVersion}`;
  return `${JSON.stringify(o.manager)}${sub}`;
}

function conflictError(conflicts: { owner: Owner; path: string }[]): SimApiError {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describeManager(c.owner)}`,
    field: humanPath(c.path),
  }));
  let text: string;
  if (conflicts.length === 1)
    text = `conflict with ${describeManager(conflicts[0].owner)}: ${humanPath(conflicts[0].path)}`;
  else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const m = describeManager(c.owner);
      byManager.set(m, [...(byManager.get(m) ?? []), humanPath(c.path)]);
    }
    text = [...byManager]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([m, paths]) => `conflicts with ${m}:\n${paths.map((p) => `- ${p}`).join('\n')}`)
      .join('\n');
  }
  const n = conflicts.length;
  return new SimApiError(409, 'Conflict', `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${text}`, {
    causes,
  });
}

/** A path ending in one of the key fields of the keyed list item it belongs to. */
function isKeyField(path: string): boolean {
  const elems = path.split(SEP);
  const last = elems[elems.length - 1];
  const parent = elems[elems.length - 2] ?? '';
  if (!last.startsWith('f:') || !parent.startsWith('k:')) return false;
  return Object.keys(JSON.parse(parent.slice(2)) as Record<string, unknown>).includes(last.slice(2));
}

/** The object after applying `config` as `manager` (metadata.managedFields set), or a 409 Conflict. */
export function serverSideApply(req: ApplyRequest): KubeObject {
  const { live, config, manager, force, ctx } = req;
  const scope = req.subresource === 'status' ? 'status' : 'main';
  const cfgFields = collectFields(config as Record<string, unknown>, ctx, scope);
  const liveFields = live
    ? collectFields(live as Record<string, unknown>, ctx, scope)
    : new Map<string, string>();
  const owners = decodeManaged(live);
  const isMine = (o: Owner) =>
    o.manager === manager && o.operation === 'Apply' && (o.subresource ?? '') === (req.subresource ?? '');

  const conflicts: { owner: Owner; path: string }[] = [];
  for (const o of owners) {
    if (isMine(o)) continue;
    for (const p of o.fields) {
      if (p.endsWith('.') || !cfgFields.has(p)) continue;
      if (liveFields.get(p) !== cfgFields.get(p)) conflicts.push({ owner: o, path: p });
    }
  }
  if (conflicts.length && !force) {
    const remaining = conflictsBeyondLastApplied(req, conflicts, liveFields);
    if (remaining.length) throw conflictError(remaining);
  }
  for (const c of conflicts) c.owner.fields.delete(c.path);

  const obj: KubeObject = live
    ? clone(live)
    : { apiVersion: config.apiVersion, kind: config.kind, metadata: { name: config.metadata?.name } };
  if (!live && config.metadata?.namespace) obj.metadata.namespace = config.metadata.namespace;

  // Fields this manager applied before and now omits go away, unless someone else owns them too.
  const mine = owners.find(isMine);
  if (mine) {
    const stale = [...mine.fields].filter(
      (p) => !cfgFields.has(p) && !owners.some((o) => o !== mine && o.fields.has(p)),
    );
    // Whole list items first (their key fields identify them), then leaves; a key field of an item
    // that stays is never removed on its own.
    const items = stale.filter((p) => p.endsWith(`${SEP}.`));
    const leaves = stale.filter((p) => !p.endsWith(`${SEP}.`) && !isKeyField(p));
    for (const p of [...items, ...leaves.sort((a, b) => b.length - a.length)]) {
      removeField(obj as Record<string, unknown>, p);
    }
  }

  if (scope === 'status') {
    obj.status = mergeApplied(obj.status, config.status ?? {}, ['status'], ctx);
  } else {
    for (const [k, v] of Object.entries(config)) {
      if (k === 'apiVersion' || k === 'kind' || (k === 'status' && ctx.statusSubresource)) continue;
      if (k === 'metadata') {
        const meta = (v ?? {}) as Record<string, unknown>;
        for (const mk of ['labels', 'annotations', 'finalizers', 'ownerReferences']) {
          if (meta[mk] !== undefined) {
            const merged = mergeApplied(obj.metadata[mk], meta[mk], ['metadata', mk], ctx);
            if (merged === null) delete obj.metadata[mk];
            else obj.metadata[mk] = merged;
          }
        }
        if (typeof meta.resourceVersion === 'string' && meta.resourceVersion)
          obj.metadata.resourceVersion = meta.resourceVersion;
        continue;
      }
      if (v === null) delete obj[k];
      else obj[k] = mergeApplied(obj[k], v, [k], ctx);
    }
  }

  const entry = ownerFor(owners, manager, 'Apply', config.apiVersion, req.subresource);
  entry.fields = new Set(cfgFields.keys());
  obj.metadata.managedFields = encodeManaged(owners);
  updateLastApplied(req, obj);
  return obj;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Upstream lastAppliedManager.Apply (k8s.io/apimachinery/pkg/util/managedfields/internal/
 * lastappliedmanager.go): for manager `kubectl` only, conflicts on fields that the object's
 * client-side last-applied configuration holds with the live value are allowed (the apply then
 * goes through as if forced); the others still conflict.
 */
function conflictsBeyondLastApplied(
  req: ApplyRequest,
  conflicts: { owner: Owner; path: string }[],
  liveFields: Map<string, string>,
): { owner: Owner; path: string }[] {
  const text = req.live?.metadata.annotations?.[LAST_APPLIED];
  if (req.manager !== 'kubectl' || !text) return conflicts;
  let lastApplied: KubeObject;
  try {
    lastApplied = JSON.parse(text) as KubeObject;
  } catch {
    return conflicts;
  }
  if (!isPlainObject(lastApplied) || lastApplied.apiVersion !== req.live?.apiVersion) return conflicts;
  const scope = req.subresource === 'status' ? 'status' : 'main';
  const held = collectFields(lastApplied as Record<string, unknown>, req.ctx, scope);
  // Fields whose last-applied value differs from the live one, or that are gone, are not "ours".
  const allowed = (p: string) => held.has(p) && liveFields.has(p) && held.get(p) === liveFields.get(p);
  return conflicts.filter((c) => !allowed(c.path));
}

/**
 * Upstream lastAppliedUpdater.Apply (lastappliedupdater.go): an apply by `kubectl` to an object
 * that has a last-applied annotation rewrites it to the applied configuration, so a later
 * client-side apply computes its patch from what was really applied.
 */
function updateLastApplied(req: ApplyRequest, obj: KubeObject): void {
  if (req.manager !== 'kubectl' || !req.live?.metadata.annotations?.[LAST_APPLIED]) return;
  const applied = clone(req.config);
  if (applied.metadata?.annotations) {
    delete applied.metadata.annotations[LAST_APPLIED];
    if (!Object.keys(applied.metadata.annotations).length) delete applied.metadata.annotations;
  }
  obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [LAST_APPLIED]: JSON.stringify(applied) };
}
