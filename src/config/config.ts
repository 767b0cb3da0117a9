/** Inputs → Config: every input validated, every problem collected, defaults applied. */
import type { AnalysisSpec, MetricSpec } from '../analysis/types.ts';
import { InputError, InputErrors, type InputLocation } from '../errors.ts';
import { parseImageRef } from '../manifests/images.ts';
import { defaultRouter, routerDefinition, routersFor } from '../traffic/index.ts';
import { parseAnalysis } from './analysis.ts';
import { parseHelmInputs } from './helm.ts';
import { INPUT_DEFAULTS, type InputName, type Inputs } from './inputs.ts';
import {
  parseBoolean,
  parseChoice,
  parseDuration,
  parseInteger,
  parseIntOrPercent,
  parseList,
} from './parse.ts';
import { DEFAULT_STEPS, parseSteps } from './steps.ts';
import {
  ACTIONS,
  STRATEGIES,
  TRAFFIC_ROUTERS,
  type CanaryStep,
  type Config,
  type StrategyName,
  type TrafficName,
} from './types.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export function buildConfig(inputs: Inputs, env: Record<string, string | undefined>): Config {
  const errors: InputError[] = [];
  const raw = (name: InputName): string => (inputs[name] ?? '').trim() || INPUT_DEFAULTS[name] || '';
  const given = (name: InputName): boolean => raw(name) !== '';
  /** Runs one parser; a thrown InputError is collected and `fallback` returned. */
  const read = <T>(name: InputName, parse: (text: string, where: InputLocation) => T, fallback: T): T => {
    if (!given(name)) return fallback;
    try {
      return parse(raw(name), { input: name });
    } catch (err) {
      collect(errors, err);
      return fallback;
    }
  };
  const optional = <T>(name: InputName, parse: (text: string, where: InputLocation) => T): T | undefined =>
    read<T | undefined>(name, parse, undefined);
  const fail = (input: InputName, message: string, line?: number) =>
    errors.push(new InputError(message, { input, line }));
  const duration = (text: string, where: InputLocation) => {
    const ms = parseDuration(text, where);
    if (ms <= 0) throw new InputError(`must be longer than 0, got '${text}'`, where);
    return ms;
  };
  const named = (pattern: RegExp, what: string, max: number) => (text: string, where: InputLocation) => {
    if (text.length > max || !pattern.test(text))
      throw new InputError(
        `invalid ${what} '${text}' (${describePattern(pattern)}, at most ${max} characters)`,
        where,
      );
    return text;
  };
  const url = (text: string, where: InputLocation) => {
    try {
      const parsed = new URL(text);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return text;
    } catch {
      // reported below
    }
    throw new InputError(`invalid URL '${text}' (expected http:// or https://)`, where);
  };

  const action = read('action', (t, w) => parseChoice(t, ACTIONS, w), 'deploy');
  const strategy = read('strategy', (t, w) => parseChoice(t, STRATEGIES, w), 'rolling');

  const manifests = parseList(raw('manifests'));
  const helm = parseHelmInputs(
    { chart: raw('helm-chart'), values: raw('helm-values'), set: raw('helm-set') },
    errors,
  );
  if (manifests.length === 0 && !helm && (action === 'deploy' || action === 'plan')) {
    fail(
      'manifests',
      `required for action '${action}': files, directories, globs or kustomize overlays of Kubernetes manifests (or set 'helm-chart')`,
    );
  }
  const images = parseList(raw('images'));
  for (const image of images) {
    try {
      parseImageRef(image);
    } catch (err) {
      fail('images', (err as Error).message);
    }
  }

  const traffic = readTraffic(strategy, given('traffic') ? raw('traffic') : undefined, errors);

  let steps: CanaryStep[] = DEFAULT_STEPS.map((s) => structuredClone(s));
  if (given('steps')) {
    if (strategy !== 'canary') fail('steps', `steps apply only to strategy 'canary', not '${strategy}'`);
    else steps = read('steps', (t) => parseSteps(t), steps);
  }
  const analysis = optional<AnalysisSpec>('analysis', (t) => parseAnalysis(t));
  const prometheusUrl = optional('prometheus-url', url);
  if (strategy === 'canary') {
    checkStepsFitRouter(steps, traffic, analysis, errors);
    checkHeaderRouteCount(steps, traffic, errors);
  }
  for (const metric of allMetrics(analysis, steps)) {
    if (metric.provider === 'prometheus' && !metric.address && !prometheusUrl) {
      fail(
        'prometheus-url',
        `metric '${metric.name}' uses provider prometheus: set 'prometheus-url' or the metric's \`address\``,
      );
    }
  }

  const maxSurge = optional('max-surge', parseIntOrPercent);
  const maxUnavailable = optional('max-unavailable', parseIntOrPercent);
  if (isZero(maxSurge) && isZero(maxUnavailable))
    fail(
      'max-unavailable',
      'max-surge and max-unavailable cannot both be 0: the update could never make progress',
    );

  const previewService = optional('preview-service', named(DNS_LABEL, 'Service name', 63));
  if (previewService && strategy !== 'blue-green')
    fail('preview-service', `applies only to strategy 'blue-green', not '${strategy}'`);
  const toRevision = optional('to-revision', (t, w) => parseInteger(t, w, 1));
  if (toRevision !== undefined && action !== 'rollback')
    fail('to-revision', `applies only to action 'rollback', not '${action}'`);

  const config: Config = {
    action,
    strategy,
    manifests,
    helm,
    images,
    name: optional('name', named(DNS_LABEL, 'release name', 50)),
    namespace: read('namespace', named(DNS_LABEL, 'namespace', 63), 'default'),
    version: optional('version', named(LABEL_VALUE, 'version (it becomes a label value)', 63)),
    versionLabel: read('version-label', parseLabelKey, INPUT_DEFAULTS['version-label']),
    traffic,
    steps,
    analysis,
    prometheusUrl,
    maxSurge,
    maxUnavailable,
    ingress: optional('ingress', named(DNS_SUBDOMAIN, 'Ingress name', 253)),
    route: optional('route', named(DNS_SUBDOMAIN, 'HTTPRoute name', 253)),
    virtualService: optional('virtual-service', named(DNS_SUBDOMAIN, 'VirtualService name', 253)),
    trafficSplit: optional('traffic-split', named(DNS_SUBDOMAIN, 'TrafficSplit name', 253)),
    previewService,
    autoPromote: read('auto-promote', parseBoolean, true),
    scaleDownDelayMs: read('scale-down-delay', parseDuration, 30_000),
    timeoutMs: read('timeout', duration, 30 * 60_000),
    progressDeadlineMs: optional('progress-deadline', duration),
    rollbackOnFailure: read('rollback-on-failure', parseBoolean, true),
    toRevision,
    promoteFull: read('promote-full', parseBoolean, false),
    kubeconfig: given('kubeconfig') ? inputs.kubeconfig : undefined,
    context: optional('context', (t) => t),
    lockTimeoutMs: read('lock-timeout', parseDuration, 5 * 60_000),
    leaseDurationMs: read('lease-duration', duration, 30_000),
    githubToken: raw('github-token') || env.GITHUB_TOKEN || undefined,
    comment: read('comment', parseBoolean, true),
    environment: optional('environment', (t) => t),
    environmentUrl: optional('environment-url', url),
    deploymentStatus: read('deployment-status', parseBoolean, false),
    versionedConfig: read('versioned-config', parseBoolean, false),
    prNumber: optional('pr-number', (t, w) => parseInteger(t, w, 1)),
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
  };
  if (errors.length) throw new InputErrors(errors);
  return dropUndefined(config);
}

function readTraffic(strategy: StrategyName, text: string | undefined, errors: InputError[]): TrafficName {
  // Rolling and recreate move no traffic themselves: no router lists them.
  const allowed = routersFor(strategy);
  if (text === undefined) return defaultRouter(strategy);
  try {
    const traffic = parseChoice(text, TRAFFIC_ROUTERS, { input: 'traffic' });
    if (allowed.length === 0) {
      errors.push(
        new InputError(
          `strategy '${strategy}' moves no traffic itself; remove 'traffic' (it applies to canary and blue-green)`,
          { input: 'traffic' },
        ),
      );
    } else if (!allowed.includes(traffic)) {
      errors.push(
        new InputError(`'${traffic}' cannot drive strategy '${strategy}' (valid: ${allowed.join(', ')})`, {
          input: 'traffic',
        }),
      );
    }
    return traffic;
  } catch (err) {
    collect(errors, err);
    return 'replicas';
  }
}

function checkStepsFitRouter(
  steps: CanaryStep[],
  traffic: TrafficName,
  analysis: AnalysisSpec | undefined,
  errors: InputError[],
): void {
  const capabilities = routerDefinition(traffic).capabilities;
  for (const step of steps) {
    if ('setHeaderRoute' in step && !capabilities.headerRoutes) {
      errors.push(
        new InputError(
          `setHeaderRoute '${step.setHeaderRoute.name}' needs a router that matches headers (nginx, gateway-api, istio), not '${traffic}'`,
          { input: 'steps' },
        ),
      );
    }
    if ('setWeight' in step && !capabilities.weightsBetween && step.setWeight % 100 !== 0) {
      errors.push(
        new InputError(
          `setWeight ${step.setWeight}: traffic '${traffic}' switches all traffic at once (0 or 100 only)`,
          { input: 'steps' },
        ),
      );
    }
    if ('analysis' in step && !step.analysis.metrics?.length && !analysis) {
      errors.push(
        new InputError(
          "an `analysis` step without `metrics` runs the 'analysis' input's metrics, but 'analysis' is not set",
          { input: 'steps' },
        ),
      );
    }
  }
}

/** Refuses plans that hold more header routes at once than the router can (nginx: one). */
function checkHeaderRouteCount(steps: CanaryStep[], traffic: TrafficName, errors: InputError[]): void {
  const { headerRoutes, maxHeaderRoutes } = routerDefinition(traffic).capabilities;
  if (!headerRoutes) return; // refused per step above
  const active = new Set<string>();
  steps.forEach((step, i) => {
    if ('removeHeaderRoute' in step) active.delete(step.removeHeaderRoute);
    if (!('setHeaderRoute' in step)) return;
    active.add(step.setHeaderRoute.name);
    if (active.size <= maxHeaderRoutes) return;
    errors.push(
      new InputError(
        `step ${i + 1}: setHeaderRoute '${step.setHeaderRoute.name}' would make ${active.size} header routes active at once (${[...active].join(', ')}), but traffic '${traffic}' holds at most ${maxHeaderRoutes}; remove one first with \`setHeaderRoute: {name: ${[...active][0]}}\``,
        { input: 'steps' },
      ),
    );
    active.delete(step.setHeaderRoute.name);
  });
}

function allMetrics(analysis: AnalysisSpec | undefined, steps: CanaryStep[]): MetricSpec[] {
  const fromSteps = steps.flatMap((s) => ('analysis' in s ? (s.analysis.metrics ?? []) : []));
  return [...(analysis?.metrics ?? []), ...fromSteps];
}

/** A label key: optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
function parseLabelKey(text: string, where: InputLocation): string {
  const slash = text.lastIndexOf('/');
  const prefix = slash >= 0 ? text.slice(0, slash) : undefined;
  const name = slash >= 0 ? text.slice(slash + 1) : text;
  const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
  if (!prefixOk || name.length > 63 || !LABEL_NAME.test(name)) {
    throw new InputError(`invalid label key '${text}' (e.g. version or app.kubernetes.io/version)`, where);
  }
  return text;
}

function describePattern(pattern: RegExp): string {
  if (pattern === DNS_LABEL) return 'lower-case letters, digits and -';
  if (pattern === DNS_SUBDOMAIN) return 'lower-case letters, digits, - and .';
  return 'letters, digits, -, _ and .';
}

function isZero(value: number | string | undefined): boolean {
  return value === 0 || value === '0%';
}

function collect(errors: InputError[], err: unknown): void {
  if (err instanceof InputErrors) errors.push(...err.errors);
  else if (err instanceof InputError) errors.push(err);
  else throw err;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
