// Plain JSON-like values as YAML and JSON parsers return them: the type check every reader of
// user YAML (inputs, manifests, metric specs) uses, and how its messages name a value's type.

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Describes a YAML value's type for error messages. */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} '${String(value)}'`;
}
