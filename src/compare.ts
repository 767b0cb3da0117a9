// Sorting text the same way everywhere, by UTF-16 code unit: the order does not depend on the
// runner's locale, and it needs no ICU collator (whose first use costs milliseconds at start-up).

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON text with object keys in sorted order: equal for equal values, whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => compareText(a, b)))
      : v,
  );
}

/**
 * Equal as JSON, whatever the order of object keys: what comparing their canonicalJson says,
 * found by walking both values instead of writing them out (objects read from the API server are
 * kilobytes, and a release compares dozens).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    // JSON writes a missing array element as null.
    return a.every((value, i) => sameJson(value ?? null, b[i] ?? null));
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  // JSON leaves out keys whose value is undefined.
  const keys = Object.keys(a).filter((k) => a[k] !== undefined);
  const others = Object.keys(b).filter((k) => b[k] !== undefined);
  return keys.length === others.length && keys.every((k) => b[k] !== undefined && sameJson(a[k], b[k]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
