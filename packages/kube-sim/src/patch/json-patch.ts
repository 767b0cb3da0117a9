// RFC 6902 JSON Patch (application/json-patch+json) and RFC 7386 JSON Merge Patch
// (application/merge-patch+json), with the API server's error wording.
import { SimApiError } from '../types.ts';
import { clone, deepEqual, isPlainObject } from '../util.ts';

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function invalid(message: string): SimApiError {
  // The real server answers 422 for patches that cannot be applied and 400 for malformed ones.
  return new SimApiError(422, 'Invalid', message);
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw invalid(
      `the server rejected our request due to an error in our request: invalid JSON pointer "${pointer}"`,
    );
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Parent container and final token of a pointer; throws when the parent is missing. */
function locate(doc: unknown, tokens: string[], pointer: string): { parent: unknown; key: string } {
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isPlainObject(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined || cur === null) throw invalid(`doc is missing path: "${pointer}": missing value`);
  }
  return { parent: cur, key: tokens[tokens.length - 1] };
}

function getAt(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return doc;
  const { parent, key } = locate(doc, tokens, pointer);
  // A scalar parent is indexed as JavaScript does (a string by position, a number not at all).
  const v = Array.isArray(parent) ? parent[Number(key)] : (parent as Record<string, unknown> | null)?.[key];
  if (v === undefined) throw invalid(`doc is missing path: "${pointer}": missing value`);
  return v;
}

function arrayIndex(arr: unknown[], key: string, pointer: string, forInsert: boolean): number {
  if (forInsert && key === '-') return arr.length;
  const i = Number(key);
  const max = forInsert ? arr.length : arr.length - 1;
  if (!/^\d+$/.test(key) || i > max)
    throw invalid(`Unable to access invalid index: ${key}: invalid index referenced in "${pointer}"`);
  return i;
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const { parent, key } = locate(doc, tokens, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, true), 0, value);
  else if (isPlainObject(parent)) parent[key] = value;
  else throw invalid(`doc is missing path: "${pointer}": missing value`);
  return doc;
}

function remove(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  const { parent, key } = locate(doc, tokens, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, false), 1);
  else if (isPlainObject(parent) && key in parent) delete parent[key];
  else throw invalid(`Unable to remove nonexistent key: ${key}: missing value`);
  return doc;
}

export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch))
    throw new SimApiError(
      400,
      'BadRequest',
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    );
  let doc: unknown = clone(target);
  for (const raw of patch as Operation[]) {
    const op = raw?.op;
    const path = String(raw?.path ?? '');
    switch (op) {
      case 'add':
        doc = add(doc, path, clone(raw.value));
        break;
      case 'remove':
        doc = remove(doc, path);
        break;
      case 'replace':
        getAt(doc, path);
        doc =
          parsePointer(path).length === 0 ? clone(raw.value) : add(remove(doc, path), path, clone(raw.value));
        break;
      case 'move': {
        const v = clone(getAt(doc, String(raw.from)));
        doc = add(remove(doc, String(raw.from)), path, v);
        break;
      }
      case 'copy':
        doc = add(doc, path, clone(getAt(doc, String(raw.from))));
        break;
      case 'test':
        if (!deepEqual(getAt(doc, path), raw.value))
          throw invalid(`testing value ${path} failed: test failed`);
        break;
      default:
        throw new SimApiError(400, 'BadRequest', `Unexpected kind: ${String(op)}`);
    }
  }
  return doc;
}

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const out: Record<string, unknown> = isPlainObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}
