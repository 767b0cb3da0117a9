// The subset of upstream validation that matters to clients: 422 Invalid with the real messages.
import { SimApiError } from './types.ts';
import type { KubeObject } from './types.ts';
import {
  view,
  type JobView,
  type LabelSelector,
  type PodSpec,
  type PodView,
  type ServiceView,
  type TypedObject,
  type WorkloadSpec,
} from './views.ts';
import { selectorMatches } from './selectors.ts';
import { deepEqual } from './util.ts';
import { schemaCauses } from './schema/index.ts';
import { workloadSpecCauses } from './validation-apps.ts';
import { invalid, required, type Cause } from './validation-causes.ts';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** Go's %#v of a map[string]string: keys sorted. */
export function goMap(m: Record<string, string> | undefined): string {
  if (!m) return 'map[string]string(nil)';
  const inner = Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`)
    .join(', ');
  return `map[string]string{${inner}}`;
}

function goLabelSelector(sel: LabelSelector | undefined): string {
  const exprs = sel?.matchExpressions?.length
    ? `[]v1.LabelSelectorRequirement{${sel.matchExpressions
        .map(
          (e) =>
            `v1.LabelSelectorRequirement{Key:${JSON.stringify(e.key)}, Operator:${JSON.stringify(e.operator)}, Values:[]string{${(e.values ?? []).map((v: string) => JSON.stringify(v)).join(', ')}}}`,
        )
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goMap(sel?.matchLabels)}, MatchExpressions:${exprs}}`;
}

function validatePodSpec(spec: PodSpec | undefined, path: string, causes: Cause[]): void {
  const containers = spec?.containers ?? [];
  if (containers.length === 0) causes.push(required(`${path}.containers`));
  containers.forEach((c, i) => {
    if (!c?.name) causes.push(required(`${path}.containers[${i}].name`));
    if (!c?.image) causes.push(required(`${path}.containers[${i}].image`));
  });
}

function validateWorkload(obj: KubeObject, previous: KubeObject | undefined, causes: Cause[]): void {
  const spec = view<TypedObject<WorkloadSpec>>(obj).spec ?? {};
  const old = previous && view<TypedObject<WorkloadSpec>>(previous);
  const sel = spec.selector;
  const emptySel =
    !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
  if (emptySel) causes.push(required('spec.selector'));
  if (typeof spec.replicas === 'number' && spec.replicas < 0) {
    causes.push(invalid('spec.replicas', String(spec.replicas), 'must be greater than or equal to 0'));
  }
  const labels = spec.template?.metadata?.labels;
  if (!emptySel && !selectorMatches(sel, labels)) {
    causes.push(
      invalid(
        'spec.template.metadata.labels',
        goMap(labels ?? {}),
        '`selector` does not match template `labels`',
      ),
    );
  }
  if (old && old.spec?.selector && !deepEqual(old.spec.selector, sel) && !emptySel) {
    causes.push(invalid('spec.selector', goLabelSelector(sel), 'field is immutable'));
  }
  validateLabels(spec.template?.metadata?.labels, 'spec.template.metadata.labels', causes);
  causes.push(...workloadSpecCauses(obj.kind, spec));
  validatePodSpec(spec.template?.spec, 'spec.template.spec', causes);
}

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Label keys and values as metav1validation.ValidateLabels checks them. */
function validateLabels(labels: unknown, field: string, causes: Cause[]): void {
  if (!labels || typeof labels !== 'object') return;
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : '';
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if (slash >= 0 && (!prefix || prefix.length > 253 || !SUBDOMAIN.test(prefix))) {
      causes.push(invalid(field, JSON.stringify(key), `prefix part ${SUBDOMAIN_MSG}`));
    } else if (!name || name.length > 63) {
      causes.push(invalid(field, JSON.stringify(key), 'name part must be no more than 63 characters'));
    } else if (!LABEL_NAME.test(name)) {
      causes.push(
        invalid(
          field,
          JSON.stringify(key),
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        ),
      );
    }
    const v = typeof value === 'string' ? value : String(value);
    if (v.length > 63) causes.push(invalid(field, JSON.stringify(v), 'must be no more than 63 characters'));
    else if (!LABEL_VALUE.test(v)) {
      causes.push(
        invalid(
          field,
          JSON.stringify(v),
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
      );
    }
  }
}

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/**
 * Throws SimApiError 422 Invalid when the object would be rejected upstream. `old` is the stored
 * object on update.
 */
export function validateObject(
  obj: KubeObject,
  kindLabel: { group: string; kind: string },
  old?: KubeObject,
): void {
  const causes: Cause[] = [];
  const name = obj.metadata?.name ?? '';
  const group = kindLabel.group;
  const isService = group === '' && obj.kind === 'Service';
  if (!name) causes.push(required('metadata.name', 'name or generateName is required'));
  else if (isService) {
    if (name.length > 63 || !DNS1035.test(name))
      causes.push(invalid('metadata.name', JSON.stringify(name), DNS1035_MSG));
  } else if (name.length > 253 || !SUBDOMAIN.test(name)) {
    if (obj.kind !== 'Namespace' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
      causes.push(invalid('metadata.name', JSON.stringify(name), SUBDOMAIN_MSG));
    }
  }
  validateLabels(obj.metadata?.labels, 'metadata.labels', causes);
  if (group === 'apps' && ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].includes(obj.kind)) {
    validateWorkload(obj, old, causes);
  } else if (group === '' && obj.kind === 'Pod') {
    validatePodSpec(view<PodView>(obj).spec, 'spec', causes);
  } else if (group === 'batch' && obj.kind === 'Job') {
    validatePodSpec(view<JobView>(obj).spec?.template?.spec, 'spec.template.spec', causes);
  } else if (group === '' && obj.kind === 'Service') {
    const spec = view<ServiceView>(obj).spec;
    const type = spec?.type ?? 'ClusterIP';
    if (type !== 'ExternalName' && spec?.clusterIP !== 'None' && !(spec?.ports ?? []).length) {
      causes.push(required('spec.ports'));
    }
  }
  causes.push(...schemaCauses(obj, group));
  if (causes.length === 0) return;
  throw invalidError(obj.kind, group, name, causes);
}

export function invalidError(kind: string, group: string, name: string, causes: Cause[]): SimApiError {
  const qualified = group ? `${kind}.${group}` : kind;
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const message = `${qualified} ${JSON.stringify(name)} is invalid: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}`;
  return new SimApiError(422, 'Invalid', message, { name, ...(group ? { group } : {}), kind, causes });
}
