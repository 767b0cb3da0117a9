/** Inputs → Config: every input validated, every problem collected, defaults applied. */
import { PROVIDERS, providerSettings } from '../analysis/providers/index.ts';
import { fieldOf, type AnalysisSpec, type MetricSpec } from '../analysis/spec.ts';
import { InputError, InputErrors } from '../errors.ts';
import { parseImageRef } from '../manifests/images.ts';
import { ROUTERS, routeTargets } from '../traffic/index.ts';
import { defaultRouter, routersFor, STRATEGIES, strategiesTaking, takes } from '../strategies/index.ts';
import { parseAnalysis } from './analysis.ts';
import { parseHelmInputs } from './helm.ts';
import {
  collect,
  createInputReader,
  DNS_LABEL,
  DNS_SUBDOMAIN,
  LABEL_VALUE,
  named,
  parseHttpUrl,
  parseLabelKey,
  positiveDuration,
  type InputReader,
} from './input-reader.ts';
import { INPUT_DEFAULTS, type InputName, type Inputs } from './inputs.ts';
import { withManifestSettings, type ManifestSettings } from './manifest-settings.ts';
import {
  parseBoolean,
  parseChoice,
  parseDuration,
  parseInteger,
  parseIntOrPercent,
  parseList,
} from './parse.ts';
import { allMetrics, checkHeaderRouteCount, checkStepsFitRouter } from './router-checks.ts';
import { DEFAULT_STEPS, parseSteps } from './steps.ts';
import { MAX_RELEASE_NAME } from '../names.ts';
import { ACTIONS, type CanaryStep, type Config, type StrategyName, type TrafficName } from './types.ts';

/**
 * The one place a Config is built. Inputs are read group by group in a fixed order, so every
 * problem is collected (with its input and line) in the same order each run, then thrown together.
 */
export function buildConfig(
  inputs: Inputs,
  env: Record<string, string | undefined>,
  fromManifests?: ManifestSettings,
): Config {
  const { config, errors } = readConfig(inputs, env, fromManifests);
  if (errors.length) throw new InputErrors(errors);
  return config;
}

/**
 * Every input read (over the settings a manifest gives, an Argo Rollout's), each invalid one at
 * its default, with the problems found: the manifests can then still be read, so one run reports
 * the input and the manifest problems together.
 */
export function readConfig(
  inputs: Inputs,
  env: Record<string, string | undefined>,
  fromManifests?: ManifestSettings,
): { config: Config; errors: InputError[] } {
  const reader = withManifestSettings(createInputReader(inputs), fromManifests);
  const target = readTarget(reader);
  const canary = readTrafficAndAnalysis(reader, target.strategy);
  const { previewService, toRevision, workloads, service, ...limits } = readLimitsAndPlacement(
    reader,
    target,
  );
  const release = readRelease(reader);
  const routes = readRouteNames(reader);
  const { promoteFull, ...lifecycle } = readDurationsAndLifecycle(reader);
  const cluster = readCluster(reader);
  const github = readGitHub(reader, env);
  // Keys in the order Config has always had them.
  const config: Config = {
    ...target,
    ...release,
    ...canary,
    ...limits,
    workloads,
    service,
    ...routes,
    previewService,
    ...lifecycle,
    toRevision,
    promoteFull,
    ...cluster,
    ...github,
    autoPromoteAfterMs: fromManifests?.autoPromoteAfterMs,
    manifestOrigin: fromManifests?.origin,
  };
  return { config: dropUndefined(config), errors: reader.errors };
}

/** action, strategy, manifests, helm, images. */
function readTarget(r: InputReader): Pick<Config, 'action' | 'strategy' | 'manifests' | 'helm' | 'images'> {
  const action = r.read('action', (t, w) => parseChoice(t, ACTIONS, w), 'deploy');
  const strategy = r.read<StrategyName>(
    'strategy',
    (t, w) => parseChoice(t, STRATEGIES.names() as StrategyName[], w),
    'rolling',
  );
  const manifests = parseList(r.raw('manifests'));
  const helm = parseHelmInputs(
    { chart: r.raw('helm-chart'), values: r.raw('helm-values'), set: r.raw('helm-set') },
    r.errors,
  );
  if (manifests.length === 0 && !helm && (action === 'deploy' || action === 'plan')) {
    r.fail(
      'manifests',
      `required for action '${action}': files, directories, globs or kustomize overlays of Kubernetes manifests (or set 'helm-chart')`,
    );
  }
  const images = parseList(r.raw('images'));
  for (const image of images) {
    try {
      parseImageRef(image);
    } catch (err) {
      r.fail('images', (err as Error).message);
    }
  }
  return { action, strategy, manifests, helm, images };
}

/** traffic, steps, analysis, prometheus-url, and the checks that span them. */
function readTrafficAndAnalysis(
  r: InputReader,
  strategy: StrategyName,
): Pick<Config, 'traffic' | 'steps' | 'analysis'> & Record<string, unknown> {
  const traffic = readTraffic(strategy, r.given('traffic') ? r.raw('traffic') : undefined, r.errors);
  const takesSteps = takes(STRATEGIES.get(strategy), 'steps');
  let steps: CanaryStep[] = DEFAULT_STEPS.map((s) => structuredClone(s));
  if (r.given('steps')) {
    if (!takesSteps)
      r.fail('steps', `steps apply only to strategy ${strategiesTaking('steps')}, not '${strategy}'`);
    else steps = r.read('steps', (t) => parseSteps(t), steps);
  }
  const analysis = r.optional<AnalysisSpec>('analysis', (t) => parseAnalysis(t));
  const settings = readProviderSettings(r);
  if (takesSteps) {
    checkStepsFitRouter(steps, traffic, analysis, r.errors);
    checkHeaderRouteCount(steps, traffic, r.errors);
  }
  checkMetricsHaveSettings(r, allMetrics(analysis, steps), settings);
  return { traffic, steps, analysis, ...settings };
}

/** The run-wide settings the metric providers declare (`prometheus-url`), by Config field. */
function readProviderSettings(r: InputReader): Record<string, string> {
  const values: Record<string, string> = {};
  for (const setting of providerSettings()) {
    const value = r.optional(setting.input as InputName, parseHttpUrl);
    if (value !== undefined) values[setting.configKey] = value;
  }
  return values;
}

/** Every metric has its provider's settings, from the run-wide input or its own field. */
function checkMetricsHaveSettings(
  r: InputReader,
  metrics: readonly MetricSpec[],
  settings: Record<string, string>,
): void {
  for (const metric of metrics) {
    for (const setting of PROVIDERS.get(metric.provider).settings ?? []) {
      const own = setting.metricField && fieldOf(metric, setting.metricField);
      if (own || settings[setting.configKey]) continue;
      const or = setting.metricField ? ` or the metric's \`${setting.metricField}\`` : '';
      r.fail(
        setting.input as InputName,
        `metric '${metric.name}' uses provider ${metric.provider}: set '${setting.input}'${or}`,
      );
    }
  }
}

/** max-surge, max-unavailable, and the inputs that apply to one strategy or action only. */
function readLimitsAndPlacement(
  r: InputReader,
  { action, strategy }: Pick<Config, 'action' | 'strategy'>,
): Pick<Config, 'maxSurge' | 'maxUnavailable' | 'previewService' | 'toRevision' | 'workloads' | 'service'> {
  const maxSurge = r.optional('max-surge', parseIntOrPercent);
  const maxUnavailable = r.optional('max-unavailable', parseIntOrPercent);
  if (isZero(maxSurge) && isZero(maxUnavailable))
    r.fail(
      'max-unavailable',
      'max-surge and max-unavailable cannot both be 0: the update could never make progress',
    );
  const previewService = r.optional('preview-service', named(DNS_LABEL, 'Service name', 63));
  const service = r.optional('service', named(DNS_LABEL, 'Service name', 63));
  if (service && previewService === service)
    r.fail(
      'service',
      `'${service}' is also the 'preview-service': the preview Service is never the app's Service`,
    );
  const workloads = r.optional('workloads', (t, w) =>
    parseList(t).map((name) => named(DNS_SUBDOMAIN, 'workload name', 253)(name, w)),
  );
  const definition = STRATEGIES.get(strategy);
  if (workloads && !takes(definition, 'workloads'))
    r.fail('workloads', `applies only to strategy ${strategiesTaking('workloads')}, not '${strategy}'`);
  if (previewService && !takes(definition, 'previewService'))
    r.fail(
      'preview-service',
      `applies only to strategy ${strategiesTaking('previewService')}, not '${strategy}'`,
    );
  const toRevision = r.optional('to-revision', (t, w) => parseInteger(t, w, 1));
  if (toRevision !== undefined && action !== 'rollback')
    r.fail('to-revision', `applies only to action 'rollback', not '${action}'`);
  return { maxSurge, maxUnavailable, previewService, toRevision, workloads, service };
}

/** name, namespace, version, version-label. */
function readRelease(r: InputReader): Pick<Config, 'name' | 'namespace' | 'version' | 'versionLabel'> {
  return {
    name: r.optional('name', named(DNS_LABEL, 'release name', MAX_RELEASE_NAME)),
    namespace: r.read('namespace', named(DNS_LABEL, 'namespace', 63), 'default'),
    version: r.optional('version', named(LABEL_VALUE, 'version (it becomes a label value)', 63)),
    versionLabel: r.read('version-label', parseLabelKey, INPUT_DEFAULTS['version-label']),
  };
}

/** The router objects to drive, one input per target kind of the registered routers (`ingress`…). */
function readRouteNames(r: InputReader): Record<string, string | undefined> {
  return Object.fromEntries(
    routeTargets().map((target) => [
      target.configKey,
      r.optional(target.input as InputName, named(DNS_SUBDOMAIN, `${target.kind} name`, 253)),
    ]),
  );
}

/** auto-promote, scale-down-delay, timeout, progress-deadline, rollback-on-failure, promote-full. */
function readDurationsAndLifecycle(
  r: InputReader,
): Pick<
  Config,
  | 'autoPromote'
  | 'scaleDownDelayMs'
  | 'timeoutMs'
  | 'progressDeadlineMs'
  | 'rollbackOnFailure'
  | 'promoteFull'
> {
  return {
    autoPromote: r.read('auto-promote', parseBoolean, true),
    scaleDownDelayMs: r.read('scale-down-delay', parseDuration, 0),
    timeoutMs: r.read('timeout', positiveDuration, 30 * 60_000),
    progressDeadlineMs: r.optional('progress-deadline', positiveDuration),
    rollbackOnFailure: r.read('rollback-on-failure', parseBoolean, true),
    promoteFull: r.read('promote-full', parseBoolean, false),
  };
}

/** kubeconfig, context, lock-timeout, lease-duration. */
function readCluster(
  r: InputReader,
): Pick<Config, 'kubeconfig' | 'context' | 'lockTimeoutMs' | 'leaseDurationMs'> {
  return {
    kubeconfig: r.given('kubeconfig') ? r.inputs.kubeconfig : undefined,
    context: r.optional('context', (t) => t),
    lockTimeoutMs: r.read('lock-timeout', parseDuration, 5 * 60_000),
    leaseDurationMs: r.read('lease-duration', positiveDuration, 30_000),
  };
}

/** GitHub token, PR comment, deployments and environments, versioned config, workspace. */
function readGitHub(
  r: InputReader,
  env: Record<string, string | undefined>,
): Pick<
  Config,
  | 'githubToken'
  | 'comment'
  | 'environment'
  | 'environmentUrl'
  | 'deploymentStatus'
  | 'productionEnvironment'
  | 'transientEnvironment'
  | 'versionedConfig'
  | 'prune'
  | 'prNumber'
  | 'workspace'
> {
  return {
    githubToken: r.raw('github-token') || env.GITHUB_TOKEN || undefined,
    comment: r.read('comment', parseBoolean, true),
    environment: r.optional('environment', (t) => t),
    environmentUrl: r.optional('environment-url', parseHttpUrl),
    deploymentStatus: r.read('deployment-status', parseBoolean, false),
    productionEnvironment: r.read('production-environment', parseBoolean, false),
    transientEnvironment: r.read('transient-environment', parseBoolean, false),
    versionedConfig: r.read('versioned-config', parseBoolean, false),
    prune: r.read('prune', parseBoolean, false),
    prNumber: r.optional('pr-number', (t, w) => parseInteger(t, w, 1)),
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
  };
}

function readTraffic(strategy: StrategyName, text: string | undefined, errors: InputError[]): TrafficName {
  // Rolling and recreate move no traffic themselves: no router can drive them.
  const allowed = routersFor(strategy);
  // A strategy that moves no traffic keeps the first router's name: nothing reads it.
  if (text === undefined) return (defaultRouter(strategy) ?? ROUTERS.names()[0]) as TrafficName;
  try {
    const traffic = parseChoice(text, ROUTERS.names() as TrafficName[], { input: 'traffic' });
    if (allowed.length === 0) {
      const moving = STRATEGIES.all().filter((s) => s.movesTraffic);
      errors.push(
        new InputError(
          `strategy '${strategy}' moves no traffic itself; remove 'traffic' (it applies to ${moving.map((s) => s.name).join(' and ')})`,
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
    return (defaultRouter(strategy) ?? ROUTERS.names()[0]) as TrafficName;
  }
}

function isZero(value: number | string | undefined): boolean {
  return value === 0 || value === '0%';
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
