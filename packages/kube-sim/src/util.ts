// Small object helpers shared by the store, the patchers and the HTTP layer.

/**
 * A deep copy. Stored objects are JSON-shaped (plain objects, arrays, scalars), and a copy of those
 * by hand is several times cheaper than structuredClone, which the store and every controller pass
 * pay on each read; anything else (a Date, a Map) is left to structuredClone.
 */
export function clone<T>(v: T): T {
  return copyJson(v) as T;
}

function copyJson(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(copyJson);
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) out[key] = copyJson((v as Record<string, unknown>)[key]);
  return out;
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Structural equality that ignores key order (JSON values only). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** Everything but metadata and status: what a change of bumps metadata.generation. */
export function specPart(obj: Record<string, unknown>): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}
