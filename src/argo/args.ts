/**
 * Analysis arguments: a template's `args` (with optional defaults) filled from the Rollout's `args`,
 * then `{{args.name}}` replaced in every string of the template's metrics. `valueFrom` works where
 * it has a meaning without the Argo controller: the version of a side (kube-rollout labels pods
 * with their version, not a pod-template hash) and fields of the Rollout itself.
 */
import type { KubeObject } from '../kube/types.ts';
import type { AnalysisArg } from './fields.ts';
import type { ArgoSource, FieldPath } from './source.ts';

/** Rollout `podTemplateHashValue` → the action's placeholder for the same side. */
const HASH_SIDES: Record<string, string> = {
  Latest: '{{canary.version}}',
  Stable: '{{stable.version}}',
};

export interface ArgRef {
  /** Where the reference (canary.analysis, a step, pre-promotion…) sits in the Rollout. */
  src: ArgoSource;
  path: FieldPath;
}

/** The Rollout's argument values by name; unsupported `valueFrom`s are refused on `ref`. */
export function rolloutArgs(ref: ArgRef, args: unknown, rollout: KubeObject): Map<string, string> {
  const values = new Map<string, string>();
  if (!Array.isArray(args)) return values;
  args.forEach((arg: AnalysisArg | null, i) => {
    const at = [...ref.path, 'args', i];
    if (typeof arg?.name !== 'string') return void ref.src.fail(at, 'an analysis argument needs a name');
    const value =
      arg.valueFrom !== undefined ? valueFrom(ref, [...at, 'valueFrom'], arg.valueFrom, rollout) : arg.value;
    if (value === undefined || value === null)
      return void ref.src.fail(at, `argument "${arg.name}" needs a value or valueFrom`);
    values.set(arg.name, String(value));
  });
  return values;
}

function valueFrom(
  ref: ArgRef,
  at: FieldPath,
  from: AnalysisArg['valueFrom'],
  rollout: KubeObject,
): string | undefined {
  if (from?.podTemplateHashValue !== undefined) {
    const side = HASH_SIDES[String(from.podTemplateHashValue)];
    if (!side)
      return ref.src.fail(
        [...at, 'podTemplateHashValue'],
        `podTemplateHashValue must be Latest or Stable, got ${JSON.stringify(from.podTemplateHashValue)}`,
      );
    ref.src.note(
      `argument from podTemplateHashValue ${from.podTemplateHashValue} is the ${from.podTemplateHashValue === 'Latest' ? 'new' : 'stable'} version (the value of the version label on its pods), not a pod-template hash`,
    );
    return side;
  }
  const path = from?.fieldRef?.fieldPath;
  if (typeof path === 'string') {
    const value = fieldOf(rollout, path);
    if (value === undefined)
      return ref.src.fail(
        [...at, 'fieldRef', 'fieldPath'],
        `fieldPath ${path}: only metadata.name, metadata.namespace, metadata.labels['…'] and metadata.annotations['…'] of the Rollout are supported, and the field must be set`,
      );
    return value;
  }
  return ref.src.fail(at, 'valueFrom needs podTemplateHashValue or fieldRef');
}

/** `metadata.name`, `metadata.labels['app']`… of the Rollout; undefined when unsupported or unset. */
function fieldOf(rollout: KubeObject, path: string): string | undefined {
  const meta = rollout.metadata;
  if (path === 'metadata.name') return meta.name;
  if (path === 'metadata.namespace') return meta.namespace;
  const keyed = /^metadata\.(labels|annotations)\[['"](.+)['"]\]$/.exec(path);
  if (!keyed) return undefined;
  const map = keyed[1] === 'labels' ? meta.labels : meta.annotations;
  return map?.[keyed[2]];
}

/**
 * The template's arguments resolved: the Rollout's value, else the template's default. A missing
 * one is refused on the template's argument.
 */
export function templateArgs(
  template: ArgoSource,
  given: Map<string, string>,
  ref: ArgRef,
): Map<string, string> {
  const resolved = new Map<string, string>();
  const declared = template.get(['spec', 'args']);
  (Array.isArray(declared) ? declared : []).forEach((arg: AnalysisArg | null, i) => {
    if (typeof arg?.name !== 'string')
      return void template.fail(['spec', 'args', i], 'an argument needs a name');
    const value =
      given.get(arg.name) ?? (arg.value !== undefined && arg.value !== null ? String(arg.value) : undefined);
    if (value === undefined)
      return void template.fail(
        ['spec', 'args', i],
        `argument "${arg.name}" has no value: pass it in the Rollout's args (${ref.src.at(ref.path)})`,
      );
    resolved.set(arg.name, value);
  });
  return resolved;
}

const ARG_PLACEHOLDER = /\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}/g;

/** `value` with every `{{args.x}}` in its strings replaced; unknown names are reported once each. */
export function substituteArgs<T>(value: T, args: Map<string, string>, unknown: (name: string) => void): T {
  if (typeof value === 'string')
    return value.replace(ARG_PLACEHOLDER, (whole, name: string) => {
      const found = args.get(name);
      if (found === undefined) unknown(name);
      return found ?? whole;
    }) as T;
  if (Array.isArray(value)) return value.map((v) => substituteArgs(v, args, unknown)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteArgs(v, args, unknown)]),
    ) as T;
  return value;
}
