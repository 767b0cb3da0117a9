// How Go prints and decodes JSON values, for the messages of ./check.ts.
import { isPlainObject } from '../util.ts';

/** encoding/json's name of a JSON value's type in UnmarshalTypeError. */
export function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (isPlainObject(v)) return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? 'number' : 'string';
}

/** Go's %#v of an unstructured JSON value (collections abbreviated). */
export function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return '[]interface {}{...}';
  if (isPlainObject(v)) return 'map[string]interface {}{...}';
  return String(v);
}

/** resource.Quantity's accepted form (the decoder's message quotes this expression). */
export const QUANTITY_RE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

const ALPHABET = /[A-Za-z0-9+/]/;

/**
 * Where Go's base64.StdEncoding stops on `s` (the byte offset of its CorruptInputError), or
 * undefined when `s` decodes. Line breaks are skipped like Go does; padding is required.
 */
export function base64ErrorOffset(s: string): number | undefined {
  let quantum = 0; // characters in the current 4-character group
  let quantumStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\n' || c === '\r') continue;
    if (quantum === 0) quantumStart = i;
    if (c === '=') {
      // Padding may only complete the last group: "xx==" or "xxx=".
      if (quantum < 2) return i;
      const rest = s.slice(i).replace(/[\r\n]/g, '');
      const expected = quantum === 2 ? '==' : '=';
      if (rest !== expected)
        return quantum === 2 && rest.startsWith('=') && rest[1] !== '=' ? i + 1 : i + expected.length;
      return undefined;
    }
    if (!ALPHABET.test(c)) return i;
    quantum = (quantum + 1) % 4;
  }
  return quantum === 0 ? undefined : quantumStart;
}
