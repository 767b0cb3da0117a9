/**
 * Cross-object checks on a rendered ManifestSet: selectors that select nothing, and routes to
 * Services that are not in the manifests.
 */
import { InputError } from '../errors.ts';
import type { KubeObject } from '../kube/types.ts';
import { podTemplateOf } from './pods.ts';
import { WORKLOAD_KINDS, type ManifestSet, type SourcedObject } from './types.ts';
import { view, type LabelSelector, type ServiceObject, type TypedObject } from './workload-views.ts';
import { valueAt } from '../plain-values.ts';

/** Kinds whose apps/v1 API requires spec.selector to match the pod template. */
const SELECTOR_KINDS: readonly string[] = [...WORKLOAD_KINDS, 'ReplicaSet'];

export interface ReferenceProblems {
  /** The release cannot work as written. */
  errors: InputError[];
  /** Probably a mistake, but the missing object may already be in the cluster. */
  warnings: InputError[];
}

/** The errors of checkReferences. */
export function validateReferences(set: ManifestSet): InputError[] {
  return checkReferences(set).errors;
}

export function checkReferences(set: ManifestSet): ReferenceProblems {
  const { services, errors: serviceErrors } = checkServices(set.objects);
  return {
    errors: [...checkSelectors(set.objects), ...serviceErrors],
    warnings: checkBackends(set.objects, services),
  };
}

const at = (s: SourcedObject) => ({ input: 'manifests', file: s.file, line: s.line });
const nameOf = (o: KubeObject) => `${o.kind} ${o.metadata.name}`;

/** Every workload has a selector, and it matches its own pod template. */
function checkSelectors(objects: readonly SourcedObject[]): InputError[] {
  const errors: InputError[] = [];
  for (const s of objects) {
    const { object } = s;
    if (!SELECTOR_KINDS.includes(object.kind)) continue;
    const selector = view<TypedObject<{ selector?: LabelSelector }>>(object).spec?.selector;
    if (!selector || (isEmpty(selector.matchLabels) && !selector.matchExpressions?.length)) {
      errors.push(
        new InputError(
          `${nameOf(object)} has no spec.selector (it must select the labels of spec.template.metadata.labels)`,
          at(s),
        ),
      );
      continue;
    }
    const labels = podTemplateOf(object)?.metadata?.labels ?? {};
    if (!selectorMatches(selector, labels)) {
      errors.push(
        new InputError(
          `${nameOf(object)}: spec.selector ${formatSelector(selector)} does not match its pod template labels ${formatLabels(labels)}`,
          at(s),
        ),
      );
    }
  }
  return errors;
}

/** Every Service with a selector selects some pod template; returns the Services by `ns/name`. */
function checkServices(objects: readonly SourcedObject[]): { services: Set<string>; errors: InputError[] } {
  const errors: InputError[] = [];
  const pods = objects.flatMap(({ object }) => {
    const labels = podTemplateOf(object)?.metadata?.labels;
    return labels ? [{ namespace: object.metadata.namespace, labels }] : [];
  });
  const services = new Set<string>();
  for (const s of objects) {
    const { object } = s;
    if (object.kind !== 'Service' || object.apiVersion !== 'v1') continue;
    services.add(`${object.metadata.namespace ?? ''}/${object.metadata.name}`);
    const spec = view<ServiceObject>(object).spec;
    const selector = spec?.selector;
    if (spec?.type === 'ExternalName' || isEmpty(selector)) continue;
    const selects = pods.some(
      (p) =>
        p.namespace === object.metadata.namespace && selectorMatches({ matchLabels: selector }, p.labels),
    );
    if (!selects) {
      errors.push(
        new InputError(
          `${nameOf(object)}: selector ${formatLabels(selector!)} selects no pod template in the manifests`,
          at(s),
        ),
      );
    }
  }
  return { services, errors };
}

/** Routes and Ingresses that send traffic to a Service the manifests do not hold: a warning. */
function checkBackends(objects: readonly SourcedObject[], services: Set<string>): InputError[] {
  const warnings: InputError[] = [];
  for (const s of objects) {
    const { object } = s;
    const namespace = object.metadata.namespace ?? '';
    for (const ref of backendServices(object)) {
      const ns = ref.namespace ?? namespace;
      if (!services.has(`${ns}/${ref.name}`)) {
        warnings.push(
          new InputError(
            `${nameOf(object)} sends traffic to Service ${ref.name}${ns !== namespace ? ` in ${ns}` : ''}, which is not in the manifests`,
            at(s),
          ),
        );
      }
    }
  }
  return warnings;
}

/** Services an Ingress (networking.k8s.io/v1) or HTTPRoute / GRPCRoute sends traffic to. */
export function backendServices(object: KubeObject): ServiceRef[] {
  const rules = arr(valueAt(object.spec, ['rules']));
  if (object.kind === 'Ingress') return unique(ingressBackends(object.spec, rules));
  if (object.kind === 'HTTPRoute' || object.kind === 'GRPCRoute') return unique(routeBackends(rules));
  return [];
}

type ServiceRef = { name: string; namespace?: string };

// The manifests are not checked yet: each field is looked up with valueAt and its type checked.
function ingressBackends(spec: unknown, rules: unknown[]): ServiceRef[] {
  const backends = [
    valueAt(spec, ['defaultBackend']),
    ...rules.flatMap((rule) => arr(valueAt(rule, ['http', 'paths'])).map((p) => valueAt(p, ['backend']))),
  ];
  return backends.flatMap((backend) => {
    const name = valueAt(backend, ['service', 'name']);
    return typeof name === 'string' ? [{ name }] : [];
  });
}

function routeBackends(rules: unknown[]): ServiceRef[] {
  return rules.flatMap((rule) =>
    arr(valueAt(rule, ['backendRefs'])).flatMap((ref) => {
      const [kind, group, name, namespace] = ['kind', 'group', 'name', 'namespace'].map((k) =>
        valueAt(ref, [k]),
      );
      const isService = (kind ?? 'Service') === 'Service' && (group ?? '') === '';
      if (!isService || typeof name !== 'string') return [];
      return [{ name, ...(namespace ? { namespace: String(namespace) } : {}) }];
    }),
  );
}

/** Kubernetes label-selector semantics (matchLabels AND every matchExpression). */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    if (labels[key] !== String(value)) return false;
  for (const expr of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, expr.key);
    const values = (expr.values ?? []).map(String);
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(labels[expr.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[expr.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  return entries.length ? `{${entries.map(([k, v]) => `${k}: ${v}`).join(', ')}}` : '{}';
}

function formatSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}: ${v}`);
  for (const e of selector.matchExpressions ?? [])
    parts.push(`${e.key} ${e.operator}${e.values ? ` (${e.values.join(', ')})` : ''}`);
  return `{${parts.join(', ')}}`;
}

function isEmpty(value: Record<string, unknown> | undefined): boolean {
  return !value || Object.keys(value).length === 0;
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function unique<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
