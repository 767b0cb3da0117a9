/** MetricFields over one metric's YAML mapping: typed reads that collect errors with their line. */
import type { MetricFields } from '../analysis/provider.ts';
import { DURATION_HINT, tryParseDuration } from '../duration.ts';
import { describeType, isPlainObject } from '../plain-values.ts';

export interface MetricFieldReader extends MetricFields {
  /** A whole number ≥ `min`. */
  int(key: string, min: number): number | undefined;
}

export function metricFields(
  raw: Record<string, unknown>,
  fail: (key: string | undefined, message: string) => void,
): MetricFieldReader {
  const has = (key: string) => raw[key] !== undefined && raw[key] !== null;
  return {
    has,
    fail,
    value: (key) => raw[key],
    string(key) {
      if (!has(key)) return undefined;
      const v = raw[key];
      if (typeof v === 'string' && v.trim() !== '') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      fail(key, `${key} must be a non-empty string, got ${describeType(v)}`);
      return undefined;
    },
    duration(key, opts = {}) {
      if (!has(key)) return undefined;
      const ms = tryParseDuration(raw[key] as string | number);
      if (ms === undefined || (!opts.allowZero && ms === 0))
        fail(key, `${key}: invalid duration '${raw[key]}' (${DURATION_HINT})`);
      return ms;
    },
    int(key, min) {
      if (!has(key)) return undefined;
      const v = raw[key];
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= min) return v;
      fail(key, `${key} must be a whole number ≥ ${min}, got ${describeType(v)}`);
      return undefined;
    },
    headers(key) {
      if (!has(key)) return undefined;
      const headers = raw[key];
      if (
        isPlainObject(headers) &&
        Object.values(headers).every((v) => typeof v === 'string' || typeof v === 'number')
      )
        return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]));
      fail(key, `${key} must be a mapping of header name to string value`);
      return undefined;
    },
  };
}
