import type { TemplateContext } from './types.ts';

/** The placeholders queries and URLs may use, and where each takes its value from. */
const PLACEHOLDERS: Record<string, (ctx: TemplateContext) => string | undefined> = {
  app: (ctx) => ctx.app,
  namespace: (ctx) => ctx.namespace,
  service: (ctx) => ctx.service,
  ingress: (ctx) => ctx.ingress,
  'canary.version': (ctx) => ctx.canaryVersion,
  'stable.version': (ctx) => ctx.stableVersion,
  interval: (ctx) => ctx.interval,
};

export const TEMPLATE_PLACEHOLDERS: readonly string[] = Object.keys(PLACEHOLDERS);

const PLACEHOLDER = /\{\{\s*([^{}\s]*)\s*\}\}/g;

export class TemplateError extends Error {
  readonly placeholder: string;
  constructor(placeholder: string, message: string) {
    super(message);
    this.name = 'TemplateError';
    this.placeholder = placeholder;
  }
}

/** Names of the `{{...}}` placeholders in `text`, in order of appearance, without duplicates. */
export function templatePlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}

/** Placeholders in `text` that are not known; config validation reports these up front. */
export function unknownPlaceholders(text: string): string[] {
  return templatePlaceholders(text).filter((name) => !(name in PLACEHOLDERS));
}

/**
 * Replaces `{{app}}`, `{{namespace}}`, `{{service}}`, `{{ingress}}`, `{{canary.version}}`,
 * `{{stable.version}}` and `{{interval}}`. An unknown placeholder, or one without a value in this
 * release (e.g. `{{ingress}}` when no ingress is routed), is an error naming it: a query with a
 * literal `{{...}}` left in would silently match nothing.
 */
export function renderTemplate(text: string, ctx: TemplateContext): string {
  return text.replace(PLACEHOLDER, (_match, name: string) => {
    const lookup = PLACEHOLDERS[name];
    if (!lookup) {
      throw new TemplateError(
        name,
        `unknown placeholder {{${name}}}; known: ${TEMPLATE_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
      );
    }
    const value = lookup(ctx);
    if (value === undefined || value === '') {
      throw new TemplateError(name, `placeholder {{${name}}} has no value in this release`);
    }
    return value;
  });
}

/**
 * `value` with the known placeholders in every string replaced and anything else left as written
 * (a Job's shell script may hold braces of its own). For the Job provider's spec.
 */
export function renderKnownPlaceholders<T>(value: T, ctx: TemplateContext): T {
  if (typeof value === 'string')
    return value.replace(PLACEHOLDER, (whole, name: string) => PLACEHOLDERS[name]?.(ctx) || whole) as T;
  if (Array.isArray(value)) return value.map((v) => renderKnownPlaceholders(v, ctx)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, renderKnownPlaceholders(v, ctx)]),
    ) as T;
  return value;
}
