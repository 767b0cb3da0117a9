/**
 * Strict field checking of Argo objects against their schema (./schema.ts), as kube-apiserver's
 * `fieldValidation=Strict` does for a CRD with a structural schema: an unknown field is an error
 * naming its path (`unknown field "spec.Strategy"`), here with the file, the line and the closest
 * known field. Fields Argo knows but kube-rollout does not support are refused with the reason.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { FieldSpec } from './schema.ts';
import type { ArgoSource } from './source.ts';

/** Checks `value` (the whole object) against `schema`; problems go to `src` with their lines. */
export function checkFields(src: ArgoSource, schema: FieldSpec): void {
  walk(src, src.sourced.object, schema, []);
}

function walk(src: ArgoSource, value: unknown, spec: FieldSpec, path: (string | number)[]): void {
  if (spec.open || value === null || value === undefined) return;
  if (spec.items) {
    if (Array.isArray(value)) value.forEach((item, i) => walk(src, item, spec.items!, [...path, i]));
    return;
  }
  if (!spec.fields || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const known = spec.fields[key];
    const at = [...path, key];
    if (!known) {
      src.fail(at, `unknown field "${dotted(at)}"${suggestion(key, Object.keys(spec.fields))}`);
      continue;
    }
    if (known.refuse && child !== null && child !== false) src.fail(at, `${dotted(at)}: ${known.refuse}`);
    else if (known.ignore && child !== null) src.note(`${dotted(at)} is ignored: ${known.ignore}`);
    walk(src, child, known, at);
  }
}

/** `spec.strategy.canary.steps[2].pause`. */
export function dotted(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    '',
  );
}

/** ` (did you mean "strategy"?)` for a near miss: another case, or at most two letters off. */
export function suggestion(key: string, known: string[]): string {
  const sameLetters = known.find((k) => k.toLowerCase() === key.toLowerCase());
  const near = sameLetters ?? closest(key, known);
  if (!near) return '';
  const allowed = Math.max(1, Math.min(2, Math.floor(key.length / 3)));
  return sameLetters || distance(key, near) <= allowed ? ` (did you mean "${near}"?)` : '';
}
