/**
 * A Rollout's analysis reference (canary.analysis, an analysis step, pre-/post-promotion) → the
 * action's MetricSpecs: templates looked up in the manifests, arguments filled, each metric read
 * with Argo's field names and defaults, conditions kept in Argo's own language.
 */
import { checkCondition } from '../analysis/conditions.ts';
import type { MetricCommon } from '../analysis/types.ts';
import type { MetricSpec, ProviderPart } from '../analysis/spec.ts';
import { tryParseDuration } from '../duration.ts';
import type { KubeObject } from '../kube/types.ts';
import { rolloutArgs, substituteArgs, templateArgs, type ArgRef } from './args.ts';
import type { AnalysisRef, TemplateMetricFields, ProviderFields } from './fields.ts';
import type { ArgoSource, FieldPath } from './source.ts';
import { dotted } from './strict.ts';

/** The AnalysisTemplates (by namespace/name) and ClusterAnalysisTemplates (by name) of the manifests. */
export interface TemplateIndex {
  /** Where objects without a namespace go (the `namespace` input). */
  namespace: string;
  namespaced: Map<string, ArgoSource>;
  cluster: Map<string, ArgoSource>;
}

/** Argo's defaults for a metric (utils/defaults). */
const ARGO_METRIC_DEFAULTS = { failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 4 };

/** The metrics of one analysis reference; undefined when it names no template. */
export function referencedMetrics(
  ref: ArgRef,
  rollout: KubeObject,
  templates: TemplateIndex,
  phase: MetricCommon['phase'] = 'pre-promotion',
): MetricSpec[] | undefined {
  const analysis = ref.src.get(ref.path) as AnalysisRef | undefined;
  if (!analysis) return undefined;
  const given = rolloutArgs(ref, analysis.args, rollout);
  const dryRun = metricNames(analysis.dryRun);
  const metrics: MetricSpec[] = [];
  for (const { name, cluster, at } of templateRefs(ref, analysis)) {
    const template = findTemplate(
      templates,
      name,
      cluster,
      rollout.metadata.namespace ?? templates.namespace,
    );
    if (!template) {
      ref.src.fail(
        at,
        `${cluster ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate'} "${name}" is not in the manifests (kube-rollout reads templates from the manifests, not the cluster)`,
      );
      continue;
    }
    const args = templateArgs(template, given, ref);
    const ownDryRun = metricNames(template.get(['spec', 'dryRun']));
    const list = template.get(['spec', 'metrics']);
    if (!Array.isArray(list) || list.length === 0) {
      template.fail(['spec', 'metrics'], 'spec.metrics must list at least one metric');
      continue;
    }
    list.forEach((_, i) => {
      const metric = readMetric(template, ['spec', 'metrics', i], args, phase);
      if (!metric) return;
      if (matchesAny(metric.name, dryRun) || matchesAny(metric.name, ownDryRun)) metric.dryRun = true;
      if (metrics.some((m) => m.name === metric.name))
        return void template.fail(
          ['spec', 'metrics', i, 'name'],
          `metric "${metric.name}" is defined twice in one analysis`,
        );
      metrics.push(metric);
    });
  }
  return metrics;
}

/** `templates: [{templateName}]`, or the older `templateName:` (with a note on the current form). */
function templateRefs(
  ref: ArgRef,
  analysis: AnalysisRef,
): { name: string; cluster: boolean; at: FieldPath }[] {
  const refs: { name: string; cluster: boolean; at: FieldPath }[] = [];
  if (typeof analysis.templateName === 'string') {
    ref.src.note(
      `${dotted(ref.path)}.templateName is the older single-template form; the current form is templates: [{templateName: ${analysis.templateName}}]`,
    );
    refs.push({ name: analysis.templateName, cluster: false, at: [...ref.path, 'templateName'] });
  }
  (Array.isArray(analysis.templates) ? analysis.templates : []).forEach((t, i) => {
    const at = [...ref.path, 'templates', i];
    if (typeof t?.templateName !== 'string') return void ref.src.fail(at, 'templates[] needs a templateName');
    refs.push({ name: t.templateName, cluster: t.clusterScope === true, at });
  });
  if (refs.length === 0) ref.src.fail(ref.path, 'an analysis needs templates: [{templateName: …}]');
  return refs;
}

function findTemplate(templates: TemplateIndex, name: string, cluster: boolean, namespace: string) {
  return cluster ? templates.cluster.get(name) : templates.namespaced.get(`${namespace}/${name}`);
}

function metricNames(list: unknown): string[] {
  return Array.isArray(list) ? list.map((d) => d?.metricName).filter((n) => typeof n === 'string') : [];
}

/** Argo's dryRun `metricName`: a name, or `*` for every metric. */
function matchesAny(name: string, patterns: string[]): boolean {
  return patterns.some((p) => p === '*' || p === name);
}

function readMetric(
  template: ArgoSource,
  at: FieldPath,
  args: Map<string, string>,
  phase: MetricCommon['phase'],
): MetricSpec | undefined {
  const raw = substituteArgs(template.get(at) as TemplateMetricFields | undefined, args, (name) =>
    template.fail(at, `{{args.${name}}} names no argument of the template (declare it in spec.args)`),
  );
  if (typeof raw?.name !== 'string') return template.fail(at, 'a metric needs a name');
  const field = (key: string) => [...at, key];
  const count = (key: string, fallback?: number) => wholeNumber(template, field(key), raw[key], fallback);
  const provider = readProvider(template, field('provider'), raw.provider ?? {});
  if (!provider) return undefined;
  const metric: MetricSpec = {
    name: raw.name,
    ...provider,
    failureLimit: count('failureLimit', ARGO_METRIC_DEFAULTS.failureLimit)!,
    inconclusiveLimit: count('inconclusiveLimit', ARGO_METRIC_DEFAULTS.inconclusiveLimit)!,
    consecutiveErrorLimit: count('consecutiveErrorLimit', ARGO_METRIC_DEFAULTS.consecutiveErrorLimit)!,
    dryRun: false,
    phase,
    conditionLanguage: 'argo',
  };
  const interval = duration(template, field('interval'), raw.interval);
  const initialDelay = duration(template, field('initialDelay'), raw.initialDelay);
  const measurements = count('count');
  if (interval !== undefined) metric.intervalMs = interval;
  if (initialDelay !== undefined) metric.initialDelayMs = initialDelay;
  if (measurements !== undefined) metric.count = measurements;
  for (const key of ['successCondition', 'failureCondition'] as const) {
    if (raw[key] === undefined || raw[key] === '') continue;
    const problem = checkCondition(String(raw[key]), 'argo');
    if (problem) template.fail(field(key), `${key}: ${problem}`);
    else metric[key] = String(raw[key]);
  }
  if (!metric.successCondition && !metric.failureCondition && metric.provider !== 'job') {
    // Argo: a metric without conditions passes every measurement that returns.
    metric.successCondition = 'true';
    template.note(
      `metric "${metric.name}" has no condition: as in Argo, every measurement that returns passes`,
    );
  }
  return metric;
}

function readProvider(
  template: ArgoSource,
  at: FieldPath,
  provider: Record<string, unknown>,
): ProviderPart | undefined {
  const kinds = Object.keys(provider).filter((k) => provider[k] !== null && provider[k] !== undefined);
  if (kinds.length !== 1)
    return template.fail(
      at,
      `a metric needs exactly one provider (prometheus, web or job), got ${kinds.join(', ') || 'none'}`,
    );
  const kind = kinds[0];
  const p = provider[kind] as ProviderFields;
  const where = [...at, kind];
  if (p.insecure === true)
    return template.fail([...where, 'insecure'], 'insecure: TLS verification cannot be turned off');
  if (kind === 'job') {
    if (p.metadata) template.note("a job metric's metadata is ignored: the Job is labelled by the action");
    if (!p.spec) return template.fail(where, 'provider.job needs a spec');
    return { provider: 'job', job: { spec: p.spec } };
  }
  const headers = headerMap(p.headers);
  if (kind === 'prometheus') {
    if (typeof p.query !== 'string') return template.fail(where, 'provider.prometheus needs a query');
    return {
      provider: 'prometheus',
      query: p.query,
      ...(p.address ? { address: String(p.address) } : {}),
      ...(headers ? { headers } : {}),
      ...(p.timeout !== undefined ? { timeoutMs: Number(p.timeout) * 1000 } : {}),
    };
  }
  if (typeof p.url !== 'string') return template.fail(where, 'provider.web needs a url');
  const body = p.jsonBody !== undefined ? JSON.stringify(p.jsonBody) : p.body;
  return {
    provider: 'web',
    url: p.url,
    ...(p.method ? { method: String(p.method) } : {}),
    ...(body !== undefined ? { body: String(body) } : {}),
    // Argo writes JSONPath in braces, as kubectl does: {$.data.ok}.
    ...(p.jsonPath ? { jsonPath: String(p.jsonPath).replace(/^\{(.*)\}$/s, '$1') } : {}),
    ...(headers ? { headers } : {}),
    ...(p.timeoutSeconds !== undefined ? { timeoutMs: Number(p.timeoutSeconds) * 1000 } : {}),
  };
}

function headerMap(list: unknown): Record<string, string> | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  return Object.fromEntries(list.map((h) => [String(h?.key), String(h?.value ?? '')]));
}

/** An IntOrString count (`3`, `"3"` after argument substitution), ≥ 0. */
function wholeNumber(src: ArgoSource, at: FieldPath, value: unknown, fallback?: number): number | undefined {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'number' ? value : /^\s*-?\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  if (Number.isInteger(n) && n >= 0) return n;
  src.fail(at, `${at.at(-1)} must be a whole number ≥ 0, got ${JSON.stringify(value)}`);
  return fallback;
}

/** An Argo duration (`30s`, `5m`, or a number of seconds). */
export function duration(src: ArgoSource, at: FieldPath, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' || typeof value === 'number' ? tryParseDuration(value) : undefined;
  if (ms === undefined)
    src.fail(at, `${at.at(-1)}: invalid duration ${JSON.stringify(value)} (e.g. 30s, 5m, 1h or seconds)`);
  return ms;
}
