// HorizontalPodAutoscaler (autoscaling/v2) for a CPU utilization target: the replica calculation of
// hpa-replicas.ts (upstream GetResourceReplicas, with its rules for unready pods and missing
// metrics), clamped to [minReplicas, maxReplicas], scale-up limited per the default rules,
// scale-down held by the stabilization window. The target is resized through its scale subresource.
//
// Utilization comes from tests (`setUtilization`): the value is measured against the replicas the
// target had when it was set, and that load stays, shared by the pods that serve, so scaling out
// lowers utilization like real load.
import { view, viewAll, type HpaStatus, type HpaView, type PodView, type ScaleTargetView } from '../views.ts';
import type { ControllerContext } from './context.ts';
import { guarded } from './context.ts';
import { isoNow, selectorMatches, setCondition, writeStatus } from './util.ts';
import { resourceReplicas, samplePods, type PodSample, type Proposal } from './hpa-replicas.ts';

const SYNC_PERIOD_S = 15;
const MANAGER = 'kube-controller-manager';

export interface UtilizationSignals {
  /** `percent` measured while the target runs `replicas` pods. */
  set(namespace: string, name: string, percent: number, replicas: number): void;
  /** The load behind it: percent of one pod's request, summed over the pods. */
  load(namespace: string, name: string): number | undefined;
  version(namespace: string, name: string): number;
}

export function createUtilizationSignals(): UtilizationSignals {
  const load = new Map<string, { podPercent: number; version: number }>();
  let version = 0;
  return {
    set(namespace, name, percent, replicas) {
      load.set(`${namespace}/${name}`, { podPercent: percent * Math.max(1, replicas), version: ++version });
    },
    load: (namespace, name) => load.get(`${namespace}/${name}`)?.podPercent,
    version: (namespace, name) => load.get(`${namespace}/${name}`)?.version ?? 0,
  };
}

function scaleTarget(ctx: ControllerContext, hpa: HpaView): ScaleTargetView | undefined {
  const ref = hpa.spec?.scaleTargetRef ?? {};
  const apiVersion = ref.apiVersion ?? 'apps/v1';
  // A ref without kind or name finds no resource and no object, as before the types said so.
  const kind = ref.kind ?? '';
  if (!ctx.store.resourceInfo(apiVersion, kind)?.subresources.includes('scale')) return undefined;
  const target = ctx.store.get(apiVersion, kind, hpa.metadata.namespace, ref.name ?? '');
  return target && view<ScaleTargetView>(target);
}

function cpuTarget(hpa: HpaView): number | undefined {
  const metric = (hpa.spec?.metrics ?? []).find(
    (m) => m?.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target?.type === 'Utilization',
  );
  return metric?.resource?.target?.averageUtilization;
}

interface Decision {
  desired: number;
  utilization?: number;
  limited?: 'TooManyReplicas' | 'TooFewReplicas';
  /** Why there is no utilization (ScalingActive False). */
  failure?: string;
}

/**
 * Upstream normalizeDesiredReplicasWithBehaviors: the proposal is stabilized first (the scale-down
 * window keeps the highest recent recommendation), then the default scale-up rule (at most +4 pods
 * or +100% per period) and min/max apply. Clamping first would let a proposal below minReplicas
 * skip the window.
 */
function limit(
  current: number,
  proposal: Proposal | undefined,
  hpa: HpaView,
  stabilize: (replicas: number) => number = (replicas) => replicas,
): Decision {
  const min = hpa.spec?.minReplicas ?? 1;
  const max = hpa.spec?.maxReplicas ?? min;
  const utilization = proposal?.utilization;
  let desired = proposal ? stabilize(proposal.replicas) : current;
  const upLimit = Math.max(current * 2, current + 4);
  if (desired > upLimit) desired = upLimit;
  if (desired > max) return { desired: max, utilization, limited: 'TooManyReplicas' };
  if (desired < min) return { desired: min, utilization, limited: 'TooFewReplicas' };
  return { desired, utilization };
}

/** The decision when all `current` pods are ready at `utilization` percent (undefined: no metric). */
export function decide(
  current: number,
  utilization: number | undefined,
  target: number,
  hpa: HpaView,
): Decision {
  const samples: PodSample[] = Array.from({ length: current }, (_, i) => ({
    name: `p${i}`,
    group: 'ready',
    usage: utilization,
  }));
  return limit(
    current,
    utilization === undefined ? undefined : resourceReplicas(current, target, samples),
    hpa,
  );
}

export function syncHorizontalPodAutoscalers(ctx: ControllerContext, memory: HpaMemory): void {
  for (const hpa of viewAll<HpaView>(ctx.store.list('autoscaling/v2', 'HorizontalPodAutoscaler'))) {
    guarded(ctx, hpa, () => syncOne(ctx, memory, hpa));
  }
}

/** What one controller remembers between passes, per HPA uid. */
export interface HpaMemory {
  signals: UtilizationSignals;
  /** Recommendations (time, replicas) inside the scale-down stabilization window. */
  recommendations: Map<string, { at: number; replicas: number }[]>;
  lastSync: Map<string, { at: number; key: string }>;
}

export function createHpaMemory(): HpaMemory {
  return { signals: createUtilizationSignals(), recommendations: new Map(), lastSync: new Map() };
}

function due(
  ctx: ControllerContext,
  { lastSync }: HpaMemory,
  hpa: HpaView,
  signalVersion: number,
  replicas: number,
): boolean {
  const uid = hpa.metadata.uid!;
  const key = `${hpa.metadata.generation ?? ''}/${signalVersion}/${replicas}`;
  const prev = lastSync.get(uid);
  const now = ctx.clock.now();
  if (prev && prev.key === key && now - prev.at < ctx.clock.ms(SYNC_PERIOD_S)) return false;
  lastSync.set(uid, { at: now, key });
  return true;
}

function stabilized(
  ctx: ControllerContext,
  { recommendations }: HpaMemory,
  hpa: HpaView,
  desired: number,
  current: number,
): number {
  const windowS = hpa.spec?.behavior?.scaleDown?.stabilizationWindowSeconds ?? 300;
  const now = ctx.clock.now();
  const uid = hpa.metadata.uid!;
  const kept = (recommendations.get(uid) ?? []).filter((r) => now - r.at <= ctx.clock.ms(windowS));
  kept.push({ at: now, replicas: desired });
  recommendations.set(uid, kept);
  if (desired >= current) return desired;
  return Math.min(current, Math.max(...kept.map((r) => r.replicas)));
}

type ConditionArgs = [type: string, ok: boolean, reason: string, message: string];

/** ScalingActive (was a metric there) and ScalingLimited (did min/max bite), upstream's wording. */
function metricConditions(decision: Decision): ConditionArgs[] {
  const active: ConditionArgs =
    decision.utilization === undefined
      ? [
          'ScalingActive',
          false,
          'FailedGetResourceMetric',
          `the HPA was unable to compute the replica count: ${decision.failure ?? 'no utilization for cpu'}`,
        ]
      : [
          'ScalingActive',
          true,
          'ValidMetricFound',
          'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
        ];
  const limits: Record<string, string> = {
    TooManyReplicas: 'the desired replica count is more than the maximum replica count',
    TooFewReplicas: 'the desired replica count is less than the minimum replica count',
    DesiredWithinRange: 'the desired count is within the acceptable range',
  };
  const reason = decision.limited ?? 'DesiredWithinRange';
  return [active, ['ScalingLimited', Boolean(decision.limited), reason, limits[reason]]];
}

function syncOne(ctx: ControllerContext, memory: HpaMemory, hpa: HpaView): void {
  const { signals } = memory;
  const ns = hpa.metadata.namespace!;
  const target = scaleTarget(ctx, hpa);
  const status: HpaStatus = { ...(hpa.status ?? {}), observedGeneration: hpa.metadata.generation };
  const now = isoNow(ctx.clock);
  const cond = (type: string, ok: boolean, reason: string, message: string) => {
    status.conditions = setCondition(status.conditions, {
      type,
      status: ok ? 'True' : 'False',
      lastTransitionTime: now,
      reason,
      message,
    });
  };
  if (!target) {
    cond(
      'AbleToScale',
      false,
      'FailedGetScale',
      `the HPA controller was unable to get the target's current scale: ${hpa.spec?.scaleTargetRef?.kind} ${hpa.spec?.scaleTargetRef?.name} not found`,
    );
    writeStatus(ctx.store, hpa, status);
    return;
  }
  const current = target.spec?.replicas ?? 1;
  const name = target.metadata.name!;
  if (!due(ctx, memory, hpa, signals.version(ns, name), current)) return;
  status.currentReplicas = current;
  if (current === 0) {
    cond(
      'ScalingActive',
      false,
      'ScalingDisabled',
      'scaling is disabled since the replica count of the target is zero',
    );
    writeStatus(ctx.store, hpa, { ...status, desiredReplicas: 0 });
    return;
  }
  const targetPct = cpuTarget(hpa) ?? 80;
  const decision = currentDecision(ctx, memory, hpa, target, targetPct, (raw) =>
    stabilized(ctx, memory, hpa, raw, current),
  );
  const utilization = decision.utilization;
  const desired = decision.desired;
  for (const c of metricConditions(decision)) cond(...c);
  if (utilization !== undefined) {
    status.currentMetrics = [
      { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: utilization } } },
    ];
  }
  status.desiredReplicas = desired;
  if (desired !== current) {
    rescale(ctx, hpa, target, desired, utilization !== undefined && utilization > targetPct);
    status.lastScaleTime = now;
    status.currentReplicas = desired;
    cond(
      'AbleToScale',
      true,
      'SucceededRescale',
      `the HPA controller was able to update the target scale to ${desired}`,
    );
  } else cond('AbleToScale', true, 'ReadyForNewScale', 'recommended size matches current size');
  writeStatus(ctx.store, hpa, status);
}

/** Upstream computeReplicasForMetrics for the CPU target: the pods behind the target, then limits. */
function currentDecision(
  ctx: ControllerContext,
  { signals }: HpaMemory,
  hpa: HpaView,
  target: ScaleTargetView,
  targetPct: number,
  stabilize: (replicas: number) => number,
): Decision {
  const ns = hpa.metadata.namespace!;
  const current = target.spec?.replicas ?? 1;
  const load = signals.load(ns, target.metadata.name!);
  if (load === undefined) return limit(current, undefined, hpa);
  const pods = viewAll<PodView>(ctx.store.list('v1', 'Pod', ns)).filter((p) =>
    selectorMatches(target.spec?.selector, p.metadata.labels),
  );
  const proposal = resourceReplicas(current, targetPct, samplePods(pods, load, ctx.clock));
  if (!proposal) {
    const failure = 'failed to get cpu utilization: did not receive metrics for any ready pods';
    return { ...limit(current, undefined, hpa), failure };
  }
  return limit(current, proposal, hpa, stabilize);
}

function rescale(
  ctx: ControllerContext,
  hpa: HpaView,
  target: ScaleTargetView,
  desired: number,
  above: boolean,
): void {
  ctx.store.update(
    { ...target, spec: { ...target.spec, replicas: desired } },
    {
      subresource: 'scale',
      fieldManager: MANAGER,
    },
  );
  const why = above ? 'above' : 'below';
  ctx.events.record({
    involved: hpa,
    type: 'Normal',
    reason: 'SuccessfulRescale',
    message: `New size: ${desired}; reason: cpu resource utilization (percentage of request) ${why} target`,
    source: { component: 'horizontal-pod-autoscaler' },
  });
}
