// Where settings carry credentials: the values of web metric `headers` and the fields that hold a
// URL (those the providers declare, `url` and `address`, and the run-wide settings that stand in
// for them, `prometheusUrl`). Main masks what `credentialValues` finds; the state writer keeps the
// sensitive ones out of the ConfigMap (src/state/secret-store.ts).
import { urlCredentials } from '../secrets/url-credentials.ts';
import { PROVIDERS } from './providers/index.ts';

/** Settings fields that hold a URL, from the provider definitions (read when first needed). */
function urlFields(): Set<string> {
  return new Set(
    PROVIDERS.all().flatMap((p) => {
      const urls = p.spec.urls ?? [];
      const settings = (p.settings ?? []).filter((s) => s.metricField && urls.includes(s.metricField));
      return [...urls, ...settings.map((s) => s.configKey)];
    }),
  );
}

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
  const urls = urlFields();
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string' && key && urls.has(key)) return fn(v, { kind: 'url', name: key });
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
