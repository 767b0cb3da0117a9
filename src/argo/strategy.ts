/**
 * A Rollout's `spec.strategy` → the release's settings, by the action input each stands for:
 * canary steps, background analysis and router; blue-green Services, promotion and analysis.
 */
import type { AnalysisSpec, MetricSpec } from '../analysis/spec.ts';
import { readCanaryScale } from '../config/steps.ts';
import type { CanaryStep, IntOrPercent } from '../config/types.ts';
import type { InputName } from '../config/inputs.ts';
import type { ManifestSettings } from '../config/manifest-settings.ts';
import type { HeaderRoute } from '../traffic/types.ts';
import { canaryServiceName } from '../names.ts';
import { valueAt } from '../plain-values.ts';
import { dotted } from './strict.ts';
import type {
  AnalysisRef,
  BlueGreenStrategy,
  CanaryStepFields,
  CanaryStrategy,
  TrafficRouting,
} from './fields.ts';
import type { ArgoSource, FieldPath } from './source.ts';
import { duration, referencedMetrics, type TemplateIndex } from './templates.ts';

/** Settings by input name, and the field that set each. */
export interface StrategySettings {
  inputs: ManifestSettings['inputs'];
  fields: ManifestSettings['fields'];
  defaults: ManifestSettings['defaults'];
  autoPromoteAfterMs?: number;
  /** Services the action manages in place of the manifests' own (preview, canary): dropped from the apply. */
  managedServices: string[];
  /** The Service the router drives (stableService / activeService): kept first among the Services. */
  primaryService?: string;
}

interface Reader {
  src: ArgoSource;
  templates: TemplateIndex;
  out: StrategySettings;
  set(input: InputName, value: unknown, path: FieldPath): void;
  /** Argo's default for a field the Rollout leaves unset: an input may still set it. */
  fallback(input: InputName, value: unknown): void;
}

const NGINX_PREFIX = 'nginx.ingress.kubernetes.io';
const ARGO_SCALE_DOWN_DELAY_S = 30;

export function strategySettings(src: ArgoSource, templates: TemplateIndex): StrategySettings {
  const out: StrategySettings = { inputs: {}, fields: {}, defaults: {}, managedServices: [] };
  const r: Reader = {
    src,
    templates,
    out,
    set(input, value, path) {
      out.inputs[input] = value;
      out.fields[input] = `${dotted(path)} (${src.at(path)})`;
    },
    fallback(input, value) {
      out.defaults![input] = value;
    },
  };
  const strategy = src.get(['spec', 'strategy']) as Record<string, unknown> | undefined;
  const kinds = ['canary', 'blueGreen'].filter((k) => strategy?.[k] != null);
  if (kinds.length !== 1) {
    src.fail(
      ['spec', 'strategy'],
      `spec.strategy needs exactly one of canary or blueGreen, got ${kinds.join(' and ') || 'none'}`,
    );
    return out;
  }
  if (kinds[0] === 'canary') readCanary(r, ['spec', 'strategy', 'canary']);
  else readBlueGreen(r, ['spec', 'strategy', 'blueGreen']);
  return out;
}

function readCanary(r: Reader, at: FieldPath): void {
  const canary = r.src.get(at) as CanaryStrategy;
  r.set('strategy', 'canary', at);
  const routed = readTrafficRouting(r, [...at, 'trafficRouting'], canary);
  if (!routed) readBasicCanary(r, at, canary);
  else {
    scaleDownDelay(r, [...at, 'scaleDownDelaySeconds'], canary.scaleDownDelaySeconds);
    if (canary.dynamicStableScale === true)
      r.src.fail(
        [...at, 'dynamicStableScale'],
        'dynamicStableScale: stable keeps its full size while the router moves traffic',
      );
  }
  const steps = readSteps(r, [...at, 'steps'], routed);
  // No steps: Argo goes straight to the new version (as a rolling update would).
  if (canary.steps) r.set('steps', steps, [...at, 'steps']);
  else r.fallback('steps', []);
  if (canary.analysis) readBackgroundAnalysis(r, [...at, 'analysis'], canary.analysis, steps.length);
}

/** Basic canary: the pod ratio is the traffic split, with Argo's arithmetic within maxSurge. */
function readBasicCanary(r: Reader, at: FieldPath, canary: CanaryStrategy): void {
  r.set('traffic', 'replicas', at);
  const surge = intOrPercent(r, [...at, 'maxSurge'], canary.maxSurge);
  if (surge !== undefined) r.set('max-surge', surge, [...at, 'maxSurge']);
  else r.fallback('max-surge', '25%');
  if (canary.scaleDownDelaySeconds !== undefined)
    r.src.note('scaleDownDelaySeconds is ignored without trafficRouting, as in Argo');
  r.set('scale-down-delay', 0, at);
  if (canary.canaryService || canary.stableService)
    r.src.note(
      'canaryService and stableService without trafficRouting are applied as written (they select both versions)',
    );
}

/** canary.analysis: background metrics from startingStep (default the first step). */
function readBackgroundAnalysis(r: Reader, at: FieldPath, analysis: AnalysisRef, steps: number): void {
  const metrics = referencedMetrics({ src: r.src, path: at }, r.src.sourced.object, r.templates);
  const start = startingStep(r, [...at, 'startingStep'], analysis.startingStep ?? 0, steps);
  if (metrics?.length) r.set('analysis', { startingStep: start, metrics } satisfies AnalysisSpec, at);
}

/** The router a canary's trafficRouting names (undefined for a basic canary); sets traffic and its object. */
function readTrafficRouting(r: Reader, at: FieldPath, canary: CanaryStrategy): boolean {
  const routing = canary.trafficRouting;
  if (!routing) return false;
  if (routing.maxTrafficWeight !== undefined && routing.maxTrafficWeight !== 100)
    r.src.fail([...at, 'maxTrafficWeight'], 'maxTrafficWeight must be 100: weights are percentages');
  const routers = (['nginx', 'istio', 'smi'] as const).filter((k) => routing[k]);
  if (routers.length !== 1) {
    r.src.fail(
      at,
      `trafficRouting needs exactly one of nginx, istio or smi, got ${routers.join(' and ') || 'none'}`,
    );
    return true;
  }
  const router = routers[0];
  r.set('traffic', router, [...at, router]);
  const stable = canary.stableService;
  if (typeof stable !== 'string' || typeof canary.canaryService !== 'string')
    r.src.fail(at.slice(0, -1), 'trafficRouting needs canaryService and stableService');
  else {
    r.out.primaryService = stable;
    // The action's own canary Service is `<stableService>-canary`: one of that name is its to manage.
    const ours = canaryServiceName(stable);
    if (canary.canaryService === ours) r.out.managedServices.push(canary.canaryService);
    else
      r.src.note(
        `canary traffic goes through Service ${ours} (created by the action); Service ${canary.canaryService} is applied as written`,
      );
  }
  // The one router named is set (truthy), as the filter above found.
  if (router === 'nginx') readNginx(r, [...at, 'nginx'], routing.nginx!);
  if (router === 'istio') readIstio(r, [...at, 'istio'], routing.istio!);
  if (router === 'smi' && routing.smi!.trafficSplitName)
    r.set('traffic-split', routing.smi!.trafficSplitName, [...at, 'smi', 'trafficSplitName']);
  return true;
}

function readNginx(r: Reader, at: FieldPath, nginx: NonNullable<TrafficRouting['nginx']>): void {
  if (nginx.annotationPrefix !== undefined && nginx.annotationPrefix !== NGINX_PREFIX)
    r.src.fail([...at, 'annotationPrefix'], `annotationPrefix must be ${NGINX_PREFIX} (ingress-nginx's own)`);
  const ingresses = nginx.stableIngresses ?? (nginx.stableIngress ? [nginx.stableIngress] : []);
  if (nginx.stableIngress && nginx.stableIngresses)
    r.src.fail(at, 'give stableIngress or stableIngresses, not both');
  if (ingresses.length !== 1)
    return void r.src.fail(at, `nginx needs one stable Ingress (stableIngress), got ${ingresses.length}`);
  r.set('ingress', ingresses[0], [...at, nginx.stableIngress ? 'stableIngress' : 'stableIngresses']);
}

function readIstio(r: Reader, at: FieldPath, istio: NonNullable<TrafficRouting['istio']>): void {
  const services = istio.virtualServices ?? (istio.virtualService ? [istio.virtualService] : []);
  if (services.length !== 1)
    return void r.src.fail(at, `istio needs one VirtualService, got ${services.length}`);
  const vs = services[0];
  if (Array.isArray(vs.routes) && vs.routes.length > 1)
    r.src.fail(
      at,
      "istio: routes lists more than one route; kube-rollout drives the VirtualService's route to the Service",
    );
  if (vs.tlsRoutes || vs.tcpRoutes) r.src.fail(at, 'istio: tlsRoutes and tcpRoutes are not supported');
  r.set('virtual-service', vs.name, [...at, istio.virtualService ? 'virtualService' : 'virtualServices']);
  if (istio.destinationRule)
    r.src.note('istio.destinationRule: the action splits by the DestinationRule found in the manifests');
}

function readSteps(r: Reader, at: FieldPath, routed: boolean): CanaryStep[] {
  const list = r.src.get(at);
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return r.src.fail(at, 'steps must be a list') ?? [];
  return list.flatMap((step, i) => {
    const read = readStep(r, [...at, i], step as CanaryStepFields, routed);
    return read ? [read] : [];
  });
}

function readStep(r: Reader, at: FieldPath, step: CanaryStepFields, routed: boolean): CanaryStep | undefined {
  const kinds = Object.keys(step ?? {}).filter((k) => step[k] !== undefined);
  if (kinds.length !== 1)
    return r.src.fail(at, `a step has exactly one kind, got ${kinds.join(' and ') || 'none'}`);
  const kind = kinds[0];
  const value = step[kind];
  const where = [...at, kind];
  switch (kind) {
    case 'setWeight':
      if (isWholeNumber(value) && value >= 0 && value <= 100) return { setWeight: value };
      return r.src.fail(
        where,
        `setWeight must be a whole number from 0 to 100, got ${JSON.stringify(value)}`,
      );
    case 'pause': {
      // No duration waits for `promote`; a bare number is seconds, as in Argo.
      const ms = duration(r.src, [...where, 'duration'], valueAt(value, ['duration']));
      return { pause: ms === undefined ? {} : { durationMs: ms } };
    }
    case 'analysis': {
      const metrics = referencedMetrics({ src: r.src, path: where }, r.src.sourced.object, r.templates);
      return metrics ? { analysis: { metrics } } : undefined;
    }
    case 'setCanaryScale': {
      if (!routed)
        return r.src.fail(
          where,
          'setCanaryScale needs trafficRouting (a basic canary sizes the canary from setWeight)',
        );
      const scale = readCanaryScale(value);
      return typeof scale === 'string'
        ? r.src.fail(where, `setCanaryScale ${scale}`)
        : { setCanaryScale: scale };
    }
    case 'setHeaderRoute':
      return readHeaderRoute(r, where, step.setHeaderRoute, routed);
    default:
      return undefined; // experiment, setMirrorRoute, plugin: refused by the schema
  }
}

function readHeaderRoute(
  r: Reader,
  at: FieldPath,
  value: CanaryStepFields['setHeaderRoute'],
  routed: boolean,
): CanaryStep | undefined {
  if (!routed) return r.src.fail(at, 'setHeaderRoute needs trafficRouting');
  if (typeof value?.name !== 'string') return r.src.fail(at, 'setHeaderRoute needs a name');
  const matches = Array.isArray(value.match) ? value.match : [];
  if (matches.length === 0) return { removeHeaderRoute: value.name };
  if (matches.length > 1)
    return r.src.fail([...at, 'match'], 'setHeaderRoute: one header match per route is supported');
  const { headerName, headerValue } = matches[0] ?? {};
  const kinds = Object.keys(headerValue ?? {}).filter((k) => headerValue?.[k] !== undefined);
  if (typeof headerName !== 'string' || kinds.length !== 1)
    return r.src.fail([...at, 'match', 0], 'a header match needs headerName and one of exact, prefix, regex');
  const text = String(headerValue?.[kinds[0]]);
  const match: HeaderRoute['match'] =
    kinds[0] === 'exact' ? { exact: text } : kinds[0] === 'prefix' ? { prefix: text } : { regex: text };
  return { setHeaderRoute: { name: value.name, header: headerName, match } };
}

function readBlueGreen(r: Reader, at: FieldPath): void {
  const bg = r.src.get(at) as BlueGreenStrategy;
  r.set('strategy', 'blue-green', at);
  r.set('traffic', 'service', at);
  if (typeof bg.activeService !== 'string') r.src.fail(at, 'blueGreen needs activeService');
  else r.out.primaryService = bg.activeService;
  if (typeof bg.previewService === 'string') {
    r.set('preview-service', bg.previewService, [...at, 'previewService']);
    // The action creates the preview Service (selecting the new version) and removes it on rollback.
    r.out.managedServices.push(bg.previewService);
  }
  const after = seconds(r, [...at, 'autoPromotionSeconds'], bg.autoPromotionSeconds ?? 0);
  const auto = bg.autoPromotionEnabled ?? true;
  if (typeof auto !== 'boolean')
    r.src.fail([...at, 'autoPromotionEnabled'], 'autoPromotionEnabled must be true or false');
  // Argo pauses before the switch when auto-promotion is off or delayed; a delay then promotes by itself.
  if (bg.autoPromotionEnabled !== undefined || after > 0)
    r.set('auto-promote', auto === true && after === 0, [
      ...at,
      after > 0 ? 'autoPromotionSeconds' : 'autoPromotionEnabled',
    ]);
  if (after > 0) r.out.autoPromoteAfterMs = after;
  scaleDownDelay(r, [...at, 'scaleDownDelaySeconds'], bg.scaleDownDelaySeconds);
  const metrics: MetricSpec[] = [];
  for (const [key, phase] of [
    ['prePromotionAnalysis', 'pre-promotion'],
    ['postPromotionAnalysis', 'post-promotion'],
  ] as const) {
    if (bg[key])
      metrics.push(
        ...(referencedMetrics({ src: r.src, path: [...at, key] }, r.src.sourced.object, r.templates, phase) ??
          []),
      );
  }
  if (metrics.length) r.set('analysis', { metrics } satisfies AnalysisSpec, at);
}

/** scaleDownDelaySeconds when set, else Argo's default of 30 s (which `scale-down-delay` may change). */
function scaleDownDelay(r: Reader, at: FieldPath, value: unknown): void {
  if (value === undefined) r.fallback('scale-down-delay', ARGO_SCALE_DOWN_DELAY_S * 1000);
  else r.set('scale-down-delay', seconds(r, at, value), at);
}

/** startingStep: the index of a step (any index when there are none); 0 after a refusal. */
function startingStep(r: Reader, at: FieldPath, value: unknown, steps: number): number {
  if (isWholeNumber(value) && value >= 0 && !(steps > 0 && value >= steps)) return value;
  r.src.fail(
    at,
    `startingStep must be the index of a step (0 to ${Math.max(0, steps - 1)}), got ${JSON.stringify(value)}`,
  );
  return 0;
}

function isWholeNumber(value: unknown): value is number {
  return Number.isInteger(value);
}

/** Whole seconds → milliseconds. */
function seconds(r: Reader, at: FieldPath, value: unknown): number {
  if (isWholeNumber(value) && value >= 0) return value * 1000;
  r.src.fail(at, `${at.at(-1)} must be a whole number of seconds, got ${JSON.stringify(value)}`);
  return 0;
}

function intOrPercent(r: Reader, at: FieldPath, value: unknown): IntOrPercent | undefined {
  if (value === undefined || value === null) return undefined;
  if (isWholeNumber(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d+%$/.test(value)) return value as IntOrPercent;
  r.src.fail(
    at,
    `${at.at(-1)} must be a number of pods or a percentage like 25%, got ${JSON.stringify(value)}`,
  );
  return undefined;
}
