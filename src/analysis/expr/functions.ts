/**
 * The functions a condition can call: expr-lang's built-ins that fit a measured result, and the
 * ones Argo Rollouts adds to every condition (isNaN, isInf, asInt, asFloat, isNil, default).
 */
import { ExprEvalError, asArray, asBool, asNumber, asString, isMap, typeName } from './values.ts';

/** A function over evaluated arguments; `result` is the measured value (Argo's isNil/default read it). */
type PlainFunction = (args: unknown[], result: unknown) => unknown;

interface FunctionDef {
  /** How many arguments: exact, or [min, max]. */
  arity: number | [number, number];
  call: PlainFunction;
}

function numbers(args: unknown[], name: string): number[] {
  const list = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  return list.map((v) => asNumber(v, name));
}

function parseNumber(text: string, name: string, integer: boolean): number {
  const value = integer ? Number.parseInt(text, 10) : Number.parseFloat(text);
  if (Number.isNaN(value) || !/^\s*[-+]?(\d|\.\d|inf|nan)/i.test(text))
    throw new ExprEvalError(`${name}(): cannot parse ${JSON.stringify(text)} as a number`);
  return value;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const isNil = (value: unknown) => value === null || value === undefined;

/** int() and Argo's asInt(): a number truncated, or a string parsed. */
const toInt = (name: string): FunctionDef => ({
  arity: 1,
  call: ([v]) => (typeof v === 'string' ? parseNumber(v, name, true) : Math.trunc(asNumber(v, name))),
});
/** float() and Argo's asFloat(): a number, or a string parsed. */
const toFloat = (name: string): FunctionDef => ({
  arity: 1,
  call: ([v]) => (typeof v === 'string' ? parseNumber(v, name, false) : asNumber(v, name)),
});

export const FUNCTIONS: Record<string, FunctionDef> = {
  len: {
    arity: 1,
    call: ([v]) => {
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (isMap(v)) return Object.keys(v).length;
      throw new ExprEvalError(`invalid argument for len (type ${typeName(v)})`);
    },
  },
  abs: { arity: 1, call: ([v]) => Math.abs(asNumber(v, 'abs')) },
  ceil: { arity: 1, call: ([v]) => Math.ceil(asNumber(v, 'ceil')) },
  floor: { arity: 1, call: ([v]) => Math.floor(asNumber(v, 'floor')) },
  round: { arity: 1, call: ([v]) => Math.round(asNumber(v, 'round')) },
  max: { arity: [1, Infinity], call: (args) => Math.max(...numbers(args, 'max')) },
  min: { arity: [1, Infinity], call: (args) => Math.min(...numbers(args, 'min')) },
  sum: { arity: 1, call: (args) => numbers(args, 'sum').reduce((a, b) => a + b, 0) },
  mean: {
    arity: 1,
    call: (args) => {
      const values = numbers(args, 'mean');
      return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
    },
  },
  median: { arity: 1, call: (args) => median(numbers(args, 'median')) },
  first: { arity: 1, call: ([v]) => asArray(v, 'first')[0] ?? null },
  last: { arity: 1, call: ([v]) => asArray(v, 'last').at(-1) ?? null },
  int: toInt('int'),
  float: toFloat('float'),
  string: { arity: 1, call: ([v]) => (typeof v === 'string' ? v : JSON.stringify(v ?? null)) },
  upper: { arity: 1, call: ([v]) => asString(v, 'upper').toUpperCase() },
  lower: { arity: 1, call: ([v]) => asString(v, 'lower').toLowerCase() },
  trim: { arity: 1, call: ([v]) => asString(v, 'trim').trim() },
  // Argo Rollouts' own (utils/evaluate/evaluate.go).
  isNaN: { arity: 1, call: ([v]) => Number.isNaN(asNumber(v, 'isNaN')) },
  isInf: { arity: 1, call: ([v]) => Math.abs(asNumber(v, 'isInf')) === Infinity },
  asInt: toInt('asInt'),
  asFloat: toFloat('asFloat'),
  // As in Argo, both look at the measured result whatever argument they are given.
  isNil: { arity: 1, call: (_args, result) => isNil(result) },
  default: { arity: 2, call: ([, fallback], result) => (isNil(result) ? fallback : result) },
};

/** all/any/none/one/filter/map/count: an array and a predicate evaluated once per element (`#`). */
export const PREDICATE_FUNCTIONS = new Set(['all', 'any', 'none', 'one', 'filter', 'map', 'count']);

export function applyPredicate(name: string, items: unknown[], test: (item: unknown) => unknown): unknown {
  const truth = (item: unknown) => asBool(test(item), `${name}() predicate`);
  switch (name) {
    case 'all':
      return items.every(truth);
    case 'any':
      return items.some(truth);
    case 'none':
      return !items.some(truth);
    case 'one':
      return items.filter(truth).length === 1;
    case 'filter':
      return items.filter(truth);
    case 'count':
      return items.filter(truth).length;
    default:
      return items.map(test);
  }
}

/** The arity problem of a call, or undefined when it is fine. */
export function arityProblem(name: string, given: number): string | undefined {
  if (PREDICATE_FUNCTIONS.has(name))
    return given === 2 ? undefined : `${name}() takes an array and a predicate, got ${given} arguments`;
  const def = FUNCTIONS[name];
  if (!def) return `unknown function ${name}() (known: ${knownFunctions().join(', ')})`;
  const [min, max] = typeof def.arity === 'number' ? [def.arity, def.arity] : def.arity;
  if (given < min || given > max)
    return `${name}() takes ${min === max ? min : `${min} or more`} argument${min === 1 && max === 1 ? '' : 's'}, got ${given}`;
  return undefined;
}

export function knownFunctions(): string[] {
  return [...Object.keys(FUNCTIONS), ...PREDICATE_FUNCTIONS].sort();
}
