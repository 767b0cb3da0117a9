// Strategic merge patch (application/strategic-merge-patch+json) for built-in kinds: maps merge,
// keyed lists merge by their patchMergeKey, other lists are replaced; directives `$patch`
// (replace/delete/merge), `$retainKeys`, `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`.
import { SimApiError } from '../types.ts';
import { clone, isPlainObject } from '../util.ts';
import { strategicMergeKey } from './schema.ts';

const DELETE = Symbol('delete');

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => !(isPlainObject(x) && x.$patch)).map(stripDirectives);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    if (x !== null) out[k] = stripDirectives(x);
  }
  return out;
}

function mergeList(
  live: unknown,
  patch: unknown[],
  key: string,
  names: string[],
  custom: boolean,
): unknown[] {
  if (patch.some((x) => isPlainObject(x) && x.$patch === 'replace')) {
    return patch.filter((x) => !(isPlainObject(x) && x.$patch === 'replace')).map(stripDirectives);
  }
  const result: unknown[] = Array.isArray(live) ? clone(live) : [];
  for (const item of patch) {
    if (!isPlainObject(item)) {
      if (!result.some((x) => x === item)) result.push(item);
      continue;
    }
    const idx = result.findIndex((x) => isPlainObject(x) && x[key] === item[key]);
    if (item.$patch === 'delete') {
      if (idx >= 0) result.splice(idx, 1);
      continue;
    }
    if (idx >= 0) result[idx] = merge(result[idx], item, names, custom);
    else result.push(stripDirectives(item));
  }
  return result;
}

function reorder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const id = (x: unknown) => (key && isPlainObject(x) ? JSON.stringify(x[key]) : JSON.stringify(x));
  const wanted = order.map(id);
  const ordered: unknown[] = [];
  for (const w of wanted) {
    const found = list.find((x) => id(x) === w);
    if (found !== undefined) ordered.push(found);
  }
  for (const x of list) if (!wanted.includes(id(x))) ordered.push(x);
  return ordered;
}

function merge(target: unknown, patch: unknown, names: string[], custom: boolean): unknown | typeof DELETE {
  if (!isPlainObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  if (patch.$patch === 'delete') return DELETE;
  const out: Record<string, unknown> = isPlainObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    const childNames = [...names, k];
    if (v === null) {
      delete out[k];
    } else if (Array.isArray(v)) {
      const mk = strategicMergeKey(childNames, custom);
      if (mk === undefined) out[k] = stripDirectives(v);
      else if (mk === 'primitive-merge') {
        const base = Array.isArray(out[k]) ? (out[k] as unknown[]) : [];
        out[k] = [...base, ...v.filter((x) => !base.includes(x))];
      } else out[k] = mergeList(out[k], v, mk, childNames, custom);
    } else if (isPlainObject(v)) {
      const r = merge(out[k], v, childNames, custom);
      if (r === DELETE) delete out[k];
      else out[k] = r;
    } else out[k] = v;
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') && Array.isArray(v)) {
      const field = k.slice('$setElementOrder/'.length);
      const mk = strategicMergeKey([...names, field], custom);
      if (Array.isArray(out[field]))
        out[field] = reorder(out[field] as unknown[], v, mk === 'primitive-merge' ? undefined : mk);
    } else if (k.startsWith('$deleteFromPrimitiveList/') && Array.isArray(v)) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[field])) out[field] = (out[field] as unknown[]).filter((x) => !v.includes(x));
    }
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

/** Apply a strategic merge patch to a whole object. */
export function applyStrategicMergePatch(
  target: Record<string, unknown>,
  patch: unknown,
  custom = false,
): unknown {
  if (!isPlainObject(patch))
    throw new SimApiError(
      400,
      'BadRequest',
      'json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
  const r = merge(target, patch, [], custom);
  return r === DELETE ? {} : r;
}
