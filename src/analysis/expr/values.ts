/** Value rules of expr-lang shared by the operators and the built-in functions. */

export class ExprEvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExprEvalError';
  }
}

/** expr's type names, as its error messages use them. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'array';
  return 'map';
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function asNumber(value: unknown, what: string): number {
  if (typeof value === 'number') return value;
  throw new ExprEvalError(`${what}: expected a number, got ${typeName(value)}`);
}

export function asBool(value: unknown, what: string): boolean {
  if (typeof value === 'boolean') return value;
  throw new ExprEvalError(`${what}: expected bool, got ${typeName(value)}`);
}

export function asString(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  throw new ExprEvalError(`${what}: expected string, got ${typeName(value)}`);
}

export function asArray(value: unknown, what: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw new ExprEvalError(`${what}: expected an array, got ${typeName(value)}`);
}

/** `==`: numbers by value (1 == 1.0), everything else structurally; nil equals only nil. */
export function equal(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => equal(v, b[i]));
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => equal(a[k], b[k]));
  }
  return a === b;
}

/** `<`, `>`…: numbers with numbers, strings with strings; anything else is an error. */
export function compare(op: string, a: unknown, b: unknown): boolean {
  const bothNumbers = typeof a === 'number' && typeof b === 'number';
  const bothStrings = typeof a === 'string' && typeof b === 'string';
  if (!bothNumbers && !bothStrings)
    throw new ExprEvalError(`invalid operation: ${typeName(a)} ${op} ${typeName(b)}`);
  const x = a as number | string;
  const y = b as number | string;
  switch (op) {
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    default:
      return x >= y;
  }
}

/** `+ - * / % **` on numbers; `+` also joins strings. */
export function arithmetic(op: string, a: unknown, b: unknown): number | string {
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
  if (typeof a !== 'number' || typeof b !== 'number')
    throw new ExprEvalError(`invalid operation: ${typeName(a)} ${op} ${typeName(b)}`);
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      if (b === 0) throw new ExprEvalError('integer divide by zero');
      return a % b;
    default:
      return a ** b;
  }
}

/** `x in y`: an element of an array, or a key of a map. */
export function contained(item: unknown, collection: unknown): boolean {
  if (Array.isArray(collection)) return collection.some((v) => equal(v, item));
  if (isMap(collection)) return typeof item === 'string' && Object.hasOwn(collection, item);
  throw new ExprEvalError(`invalid operation: ${typeName(item)} in ${typeName(collection)}`);
}

/** Indexing: arrays by (possibly negative) integer, maps by key (a missing key is nil), strings too. */
export function indexed(target: unknown, key: unknown, optional: boolean): unknown {
  if ((target === null || target === undefined) && optional) return null;
  if (Array.isArray(target) || typeof target === 'string') {
    if (typeof key !== 'number' || !Number.isInteger(key))
      throw new ExprEvalError(`cannot index ${typeName(target)} with ${typeName(key)}`);
    const i = key < 0 ? target.length + key : key;
    if (i < 0 || i >= target.length)
      throw new ExprEvalError(`index out of range: ${key} (array of length ${target.length})`);
    return target[i];
  }
  if (isMap(target)) {
    if (typeof key !== 'string') throw new ExprEvalError(`cannot index map with ${typeName(key)}`);
    return Object.hasOwn(target, key) ? target[key] : null;
  }
  throw new ExprEvalError(`cannot fetch ${String(key)} from ${typeName(target)}`);
}
