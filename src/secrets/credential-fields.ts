// Where settings carry credentials: the values of web metric `headers` and the URL fields
// (metric `url`/`address`, `prometheusUrl`). Main masks what `credentialValues` finds; the state
// writer keeps the sensitive ones out of the ConfigMap (src/state/secret-store.ts).
import { urlCredentials } from './url-credentials.ts';

/** Settings fields that hold a URL. */
const URL_FIELDS = new Set(['url', 'address', 'prometheusUrl']);

/**
 * Credentials in the settings, to mask: values of headers that carry them (Authorization,
 * X-Api-Key, Cookie, …) and the userinfo and token parameters of URLs.
 */
export function credentialValues(settings: unknown): string[] {
  const out: string[] = [];
  mapSensitive(settings, (value, field) => {
    if (field.kind === 'url') out.push(...urlCredentials(value));
    else if (/auth|token|key|secret|cookie|pass/i.test(field.name))
      out.push(value.replace(/^(Bearer|Basic|token)\s+/i, ''), value);
    return value;
  });
  return out;
}

export interface SensitiveField {
  kind: 'header' | 'url';
  name: string;
}

/** A copy with every header value and every URL field replaced by `fn(value, field)`. */
export function mapSensitive<T>(value: T, fn: (text: string, field: SensitiveField) => string): T {
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string' && key && URL_FIELDS.has(key)) return fn(v, { kind: 'url', name: key });
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v === null || typeof v !== 'object') return v;
    if (key === 'headers')
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [
          k,
          typeof x === 'string' ? fn(x, { kind: 'header', name: k }) : x,
        ]),
      );
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
  };
  return walk(value) as T;
}
