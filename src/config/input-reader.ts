/**
 * Reading single inputs for `buildConfig`: a thrown InputError is collected (never thrown on), so
 * one run reports every problem at once, and the small parsers that only input names need.
 */
import { InputError, InputErrors, type InputLocation } from '../errors.ts';
import { inputDefault, type InputName, type Inputs } from './inputs.ts';
import { parseDuration } from './parse.ts';

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

type Parser<T> = (text: string, where: InputLocation) => T;

export interface InputReader {
  readonly inputs: Inputs;
  /** Every problem found so far, in the order found. */
  readonly errors: InputError[];
  /** The trimmed input, or its default, or ''. */
  raw(name: InputName): string;
  given(name: InputName): boolean;
  /** Runs one parser; a thrown InputError is collected and `fallback` returned. */
  read<T>(name: InputName, parse: Parser<T>, fallback: T): T;
  optional<T>(name: InputName, parse: Parser<T>): T | undefined;
  fail(input: InputName, message: string, line?: number): void;
}

export function createInputReader(inputs: Inputs): InputReader {
  const errors: InputError[] = [];
  const raw = (name: InputName): string => (inputs[name] ?? '').trim() || inputDefault(name) || '';
  const given = (name: InputName): boolean => raw(name) !== '';
  const read = <T>(name: InputName, parse: Parser<T>, fallback: T): T => {
    if (!given(name)) return fallback;
    try {
      return parse(raw(name), { input: name });
    } catch (err) {
      collect(errors, err);
      return fallback;
    }
  };
  return {
    inputs,
    errors,
    raw,
    given,
    read,
    optional: <T>(name: InputName, parse: Parser<T>) => read<T | undefined>(name, parse, undefined),
    fail: (input, message, line) => {
      errors.push(new InputError(message, { input, line }));
    },
  };
}

/** A duration longer than 0. */
export function positiveDuration(text: string, where: InputLocation): number {
  const ms = parseDuration(text, where);
  if (ms <= 0) throw new InputError(`must be longer than 0, got '${text}'`, where);
  return ms;
}

/** A Kubernetes name matching `pattern`, at most `max` characters. */
export function named(pattern: RegExp, what: string, max: number): Parser<string> {
  return (text, where) => {
    if (text.length > max || !pattern.test(text))
      throw new InputError(
        `invalid ${what} '${text}' (${describePattern(pattern)}, at most ${max} characters)`,
        where,
      );
    return text;
  };
}

export function parseHttpUrl(text: string, where: InputLocation): string {
  try {
    const parsed = new URL(text);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return text;
  } catch {
    // reported below
  }
  throw new InputError(`invalid URL '${text}' (expected http:// or https://)`, where);
}

/** A label key: optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
export function parseLabelKey(text: string, where: InputLocation): string {
  const slash = text.lastIndexOf('/');
  const prefix = slash >= 0 ? text.slice(0, slash) : undefined;
  const name = slash >= 0 ? text.slice(slash + 1) : text;
  const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
  if (!prefixOk || name.length > 63 || !LABEL_NAME.test(name)) {
    throw new InputError(`invalid label key '${text}' (e.g. version or app.kubernetes.io/version)`, where);
  }
  return text;
}

function describePattern(pattern: RegExp): string {
  if (pattern === DNS_LABEL) return 'lower-case letters, digits and -';
  if (pattern === DNS_SUBDOMAIN) return 'lower-case letters, digits, - and .';
  return 'letters, digits, -, _ and .';
}

export function collect(errors: InputError[], err: unknown): void {
  if (err instanceof InputErrors) errors.push(...err.errors);
  else if (err instanceof InputError) errors.push(err);
  else throw err;
}
