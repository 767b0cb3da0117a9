// Plain JSON-like values as YAML and JSON parsers return them: the type check every reader of
// user YAML (inputs, manifests, metric specs) uses, and how its messages name a value's type.

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The value at `path` inside nested mappings and lists, or undefined where the path leaves them:
 * how a reader of unchecked YAML or JSON looks a field up before checking its type.
 */
export function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

/** Describes a YAML value's type for error messages. */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} '${String(value)}'`;
}
