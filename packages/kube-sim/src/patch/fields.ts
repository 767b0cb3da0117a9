// Field sets as server-side apply tracks them: every leaf of an object addressed by a path of
// `f:<field>`, `k:{"name":"app"}` (keyed list item), `v:"x"` (set member) and `.` (the list item
// itself), convertible to and from the `fieldsV1` trees stored in metadata.managedFields.
import { applyListKind, isAtomicStruct } from './schema.ts';

export interface FieldCtx {
  kind: string;
  /** Custom resource: lists are atomic. */
  custom: boolean;
  /** The kind has a status subresource: main-resource writes do not own status. */
  statusSubresource: boolean;
}

/**
 * Joined path (elements separated by SEP) → the leaf value as `leafText` writes it ('' for `.`
 * entries). The values are only compared with each other.
 */
export type FieldMap = Map<string, string>;
export const SEP = '\u0001';

/**
 * A leaf value as text that is equal exactly when the values are. A string stands for itself
 * (marked, since no JSON text starts with `s`): JSON-quoting a large string, a ConfigMap's data
 * say, costs more than the rest of its write.
 */
function leafText(value: unknown): string {
  return typeof value === 'string' ? `s${value}` : JSON.stringify(value);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** The key object of a keyed list item, in schema key order (`protocol` defaults to TCP). */
export function itemKey(item: unknown, keys: string[]): Record<string, unknown> | undefined {
  if (!isPlainObject(item)) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (item[k] !== undefined) out[k] = item[k];
    else if (k === 'protocol') out[k] = 'TCP';
  }
  return Object.keys(out).length ? out : undefined;
}

function walk(value: unknown, path: string, names: string[], ctx: FieldCtx, out: FieldMap): void {
  if (isPlainObject(value) && Object.keys(value).length > 0 && !isAtomicStruct(names, ctx.custom, ctx.kind)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      walk(v, path + SEP + `f:${k}`, [...names, k], ctx, out);
    }
    return;
  }
  if (Array.isArray(value) && value.length > 0) {
    const lk = applyListKind(names, ctx.custom);
    if (lk.type === 'map' && value.every((item) => itemKey(item, lk.keys))) {
      for (const item of value) {
        const elem = `${path}${SEP}k:${JSON.stringify(itemKey(item, lk.keys))}`;
        out.set(elem + SEP + '.', '');
        for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
          if (v !== undefined) walk(v, elem + SEP + `f:${k}`, [...names, k], ctx, out);
        }
      }
      return;
    }
    if (lk.type === 'set' && value.every((v) => v === null || typeof v !== 'object')) {
      for (const v of value) out.set(`${path}${SEP}v:${JSON.stringify(v)}`, leafText(v));
      return;
    }
  }
  out.set(path, leafText(value));
}

/**
 * The fields of an object a writer can own. `scope` 'main' leaves out identity metadata and (for
 * kinds with a status subresource) status; 'status' is status only.
 */
export function collectFields(
  obj: Record<string, unknown>,
  ctx: FieldCtx,
  scope: 'main' | 'status',
): FieldMap {
  const out: FieldMap = new Map();
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || k === 'apiVersion' || k === 'kind') continue;
    if (scope === 'status' ? k !== 'status' : k === 'status' && ctx.statusSubresource) continue;
    if (k === 'metadata') {
      const meta = (v ?? {}) as Record<string, unknown>;
      for (const mk of ['labels', 'annotations', 'finalizers', 'ownerReferences']) {
        if (meta[mk] !== undefined) walk(meta[mk], `f:metadata${SEP}f:${mk}`, ['metadata', mk], ctx, out);
      }
      continue;
    }
    walk(v, `f:${k}`, [k], ctx, out);
  }
  return out;
}

type Tree = { [key: string]: Tree };

export function treeFromFields(paths: Iterable<string>): Tree {
  const root: Tree = {};
  for (const p of paths) {
    let node = root;
    for (const elem of p.split(SEP)) node = node[elem] ??= {};
  }
  return root;
}

export function fieldsFromTree(tree: unknown): Set<string> {
  const out = new Set<string>();
  const visit = (node: Tree, prefix: string) => {
    for (const [k, child] of Object.entries(node)) {
      const p = prefix ? prefix + SEP + k : k;
      if (!isPlainObject(child) || Object.keys(child).length === 0) out.add(p);
      else visit(child as Tree, p);
    }
  };
  if (isPlainObject(tree)) visit(tree as Tree, '');
  return out;
}

/** `.spec.template.spec.containers[name="app"].image`, as conflict messages print paths. */
export function humanPath(path: string): string {
  let s = '';
  for (const elem of path.split(SEP)) {
    if (elem.startsWith('f:')) s += `.${elem.slice(2)}`;
    else if (elem.startsWith('k:')) {
      const key = JSON.parse(elem.slice(2)) as Record<string, unknown>;
      s += `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    } else if (elem.startsWith('v:')) s += `[=${elem.slice(2)}]`;
  }
  return s;
}

/** Locate the container holding the element a path ends with. */
function resolve(
  obj: unknown,
  elems: string[],
): { parent: Record<string, unknown> | unknown[]; key: string | number } | undefined {
  let cur: unknown = obj;
  let parent: Record<string, unknown> | unknown[] | undefined;
  let key: string | number = '';
  for (const elem of elems) {
    if (elem === '.') break;
    if (elem.startsWith('f:')) {
      if (!isPlainObject(cur)) return undefined;
      parent = cur;
      key = elem.slice(2);
      cur = cur[key];
    } else if (elem.startsWith('k:') && Array.isArray(cur)) {
      parent = cur;
      const want = JSON.parse(elem.slice(2)) as Record<string, unknown>;
      const keys = Object.keys(want);
      key = cur.findIndex((item) => JSON.stringify(itemKey(item, keys)) === JSON.stringify(want));
      if (key < 0) return undefined;
      cur = cur[key];
    } else if (elem.startsWith('v:') && Array.isArray(cur)) {
      parent = cur;
      const want = elem.slice(2);
      key = cur.findIndex((v) => JSON.stringify(v) === want);
      if (key < 0) return undefined;
      cur = cur[key];
    } else return undefined;
    if (cur === undefined) return undefined;
  }
  return parent === undefined ? undefined : { parent, key };
}

/** Remove the field (or list item, for `k:`/`v:` paths and their `.` entries) a path names. */
export function removeField(obj: Record<string, unknown>, path: string): void {
  const elems = path.split(SEP);
  const at = resolve(obj, elems);
  if (!at) return;
  if (Array.isArray(at.parent)) at.parent.splice(at.key as number, 1);
  else delete at.parent[at.key];
}
