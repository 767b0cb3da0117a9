/**
 * Parsers for the scalar shapes that action inputs and the `steps` / `analysis` YAML share.
 * Each `try…` function returns undefined for text it does not understand; the plain functions
 * throw an InputError that names where the text came from.
 */
import { InputError, type InputLocation } from '../errors.ts';
import type { IntOrPercent } from './types.ts';

export { DURATION_HINT, parseDuration, tryParseDuration } from '../duration.ts';

/** `25%` → 25. */
export function tryParsePercent(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*%$/.exec(text.trim());
  return match ? Number(match[1]) : undefined;
}

export function parsePercent(text: string, where: InputLocation): number {
  const pct = tryParsePercent(text);
  if (pct === undefined || pct > 100)
    throw new InputError(`invalid percentage '${text}' (use e.g. 25%)`, where);
  return pct;
}

/** A non-negative integer or a percentage, as Kubernetes' maxSurge / maxUnavailable. */
export function parseIntOrPercent(text: string, where: InputLocation): IntOrPercent {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const pct = tryParsePercent(trimmed);
  if (pct !== undefined && Number.isInteger(pct) && pct <= 100) return `${pct}%`;
  throw new InputError(
    `invalid value '${text}' (use a whole number of pods like 1 or a percentage like 25%)`,
    where,
  );
}

export function tryParseBoolean(value: string | boolean): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = value.trim().toLowerCase();
  if (text === 'true' || text === 'yes') return true;
  if (text === 'false' || text === 'no') return false;
  return undefined;
}

export function parseBoolean(value: string | boolean, where: InputLocation): boolean {
  const parsed = tryParseBoolean(value);
  if (parsed === undefined) throw new InputError(`invalid boolean '${value}' (use true or false)`, where);
  return parsed;
}

/** A whole number ≥ `min` (default 0). */
export function parseInteger(value: string | number, where: InputLocation, min = 0): number {
  const text = String(value).trim();
  const n = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new InputError(`invalid value '${value}' (expected a whole number ≥ ${min})`, where);
  }
  return n;
}

/** Entries separated by newlines or commas, trimmed, empty entries dropped. */
export function parseList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** One of a fixed set of words; the error lists the valid ones. */
export function parseChoice<T extends string>(text: string, choices: readonly T[], where: InputLocation): T {
  const value = text.trim();
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new InputError(`unknown value '${text}' (valid: ${choices.join(', ')})`, where);
}
