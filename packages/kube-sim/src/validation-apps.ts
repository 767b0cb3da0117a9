// The workload rules of upstream's pkg/apis/apps/validation/validation.go, with its messages:
// Deployment strategies (ValidateDeploymentStrategy, ValidateRollingUpdateDeployment), DaemonSet
// rolling updates (ValidateRollingUpdateDaemonSet), a StatefulSet's partition
// (validateRollingUpdateStatefulSet) and the pod template's restartPolicy, which only `Always` passes
// for all four kinds (ValidatePodTemplateSpecForReplicaSet, ValidateStatefulSetSpec,
// ValidateDaemonSetSpec). Objects arrive defaulted, as upstream validates them.
import { forbidden, invalid, notSupported, required, type Cause } from './validation-causes.ts';
import type { WorkloadSpec } from './views.ts';

/**
 * Go's %#v of the internal intstr.IntOrString (a value there, whose String method is on the
 * pointer: field.Invalid prints the struct).
 */
export function goIntOrString(v: unknown): string {
  return typeof v === 'string'
    ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(v)}}`
    : `intstr.IntOrString{Type:0, IntVal:${Number(v ?? 0)}, StrVal:""}`;
}

/** apimachinery validation.IsValidPercent: the message comes from RegexError with two examples. */
const PERCENT = /^[0-9]+%$/;
const PERCENT_MSG =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** getPercentValue: the number of a valid percent string. */
function percentValue(v: unknown): number | undefined {
  return typeof v === 'string' && PERCENT.test(v) ? Number(v.slice(0, -1)) : undefined;
}

/** getIntOrPercentValue: a percent's number, else IntValue() (a string through Atoi, 0 if it fails). */
function intOrPercentValue(v: unknown): number {
  const percent = percentValue(v);
  if (percent !== undefined) return percent;
  if (typeof v === 'string') return /^[+-]?\d+$/.test(v) ? Number(v) : 0;
  return typeof v === 'number' ? v : 0;
}

/** ValidatePositiveIntOrPercent: a string must be a percent, a number must not be negative. */
function positiveIntOrPercent(v: unknown, field: string): Cause[] {
  if (typeof v === 'string') return PERCENT.test(v) ? [] : [invalid(field, goIntOrString(v), PERCENT_MSG)];
  if (typeof v === 'number' && v < 0)
    return [invalid(field, String(v), 'must be greater than or equal to 0')];
  return [];
}

/** IsNotMoreThan100Percent. */
function notMoreThan100Percent(v: unknown, field: string): Cause[] {
  const percent = percentValue(v);
  return percent !== undefined && percent > 100
    ? [invalid(field, goIntOrString(v), 'must not be greater than 100%')]
    : [];
}

function deploymentStrategy(strategy: WorkloadSpec['strategy']): Cause[] {
  const path = 'spec.strategy.rollingUpdate';
  if (strategy?.type === 'Recreate')
    return strategy.rollingUpdate
      ? [forbidden(path, "may not be specified when strategy `type` is 'Recreate'")]
      : [];
  if (strategy?.type !== 'RollingUpdate' || !strategy.rollingUpdate) return [];
  const { maxUnavailable, maxSurge } = strategy.rollingUpdate;
  const causes = [
    ...positiveIntOrPercent(maxUnavailable, `${path}.maxUnavailable`),
    ...positiveIntOrPercent(maxSurge, `${path}.maxSurge`),
  ];
  if (intOrPercentValue(maxUnavailable) === 0 && intOrPercentValue(maxSurge) === 0)
    causes.push(
      invalid(`${path}.maxUnavailable`, goIntOrString(maxUnavailable), 'may not be 0 when `maxSurge` is 0'),
    );
  return [...causes, ...notMoreThan100Percent(maxUnavailable, `${path}.maxUnavailable`)];
}

function daemonSetStrategy(strategy: WorkloadSpec['updateStrategy']): Cause[] {
  if (strategy?.type !== 'RollingUpdate' || !strategy.rollingUpdate) return [];
  const path = 'spec.updateStrategy.rollingUpdate';
  const { maxUnavailable, maxSurge } = strategy.rollingUpdate;
  const causes = [
    ...positiveIntOrPercent(maxUnavailable, `${path}.maxUnavailable`),
    ...positiveIntOrPercent(maxSurge, `${path}.maxSurge`),
    ...notMoreThan100Percent(maxUnavailable, `${path}.maxUnavailable`),
    ...notMoreThan100Percent(maxSurge, `${path}.maxSurge`),
  ];
  // Exactly one of the two may be non-zero.
  const unavailable = intOrPercentValue(maxUnavailable) !== 0;
  const surge = intOrPercentValue(maxSurge) !== 0;
  if (unavailable && surge)
    causes.push(
      invalid(`${path}.maxSurge`, goIntOrString(maxSurge), 'may not be set when maxUnavailable is non-zero'),
    );
  if (!unavailable && !surge)
    causes.push(required(`${path}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
  return causes;
}

function statefulSetStrategy(strategy: WorkloadSpec['updateStrategy']): Cause[] {
  const partition = strategy?.type === 'RollingUpdate' ? strategy.rollingUpdate?.partition : undefined;
  return typeof partition === 'number' && partition < 0
    ? [
        invalid(
          'spec.updateStrategy.rollingUpdate.partition',
          String(partition),
          'must be greater than or equal to 0',
        ),
      ]
    : [];
}

/** A workload's pods are restarted by their controller, never left finished: only Always. */
function restartPolicy(spec: WorkloadSpec | undefined): Cause[] {
  const policy = spec?.template?.spec?.restartPolicy;
  return typeof policy === 'string' && policy !== 'Always'
    ? [notSupported('spec.template.spec.restartPolicy', policy, ['Always'])]
    : [];
}

/** The causes of `kind`'s spec (Deployment, ReplicaSet, StatefulSet or DaemonSet). */
export function workloadSpecCauses(kind: string, spec: WorkloadSpec | undefined): Cause[] {
  const causes = restartPolicy(spec);
  if (kind === 'Deployment') {
    causes.push(...deploymentStrategy(spec?.strategy));
    const deadline = spec?.progressDeadlineSeconds;
    if (typeof deadline === 'number' && deadline <= (spec?.minReadySeconds ?? 0))
      causes.push(
        invalid('spec.progressDeadlineSeconds', String(deadline), 'must be greater than minReadySeconds'),
      );
  }
  if (kind === 'DaemonSet') causes.push(...daemonSetStrategy(spec?.updateStrategy));
  if (kind === 'StatefulSet') causes.push(...statefulSetStrategy(spec?.updateStrategy));
  return causes;
}
