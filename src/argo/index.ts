/**
 * Argo Rollouts manifests released without the Argo controller: a pure translation of the loaded
 * objects before they are rendered. A Rollout becomes the Deployment it describes, its strategy
 * becomes the release's settings (src/config/manifest-settings.ts layers them over the inputs),
 * its AnalysisTemplates become metrics; nothing Argo-specific is applied to the cluster.
 */
import type { ManifestSettings } from '../config/manifest-settings.ts';
import type { Config } from '../config/types.ts';
import { InputErrors } from '../errors.ts';
import type { SourcedObject } from '../manifests/types.ts';
import { deploymentOf } from './rollout.ts';
import { ANALYSIS_TEMPLATE_SCHEMA, ROLLOUT_SCHEMA } from './schema.ts';
import { ArgoSource, type ArgoFindings } from './source.ts';
import { strategySettings, type StrategySettings } from './strategy.ts';
import { checkFields } from './strict.ts';
import type { TemplateIndex } from './templates.ts';

/**
 * The release of `objects`: translated when they hold Argo objects, with the config `build` makes
 * (buildConfig over the inputs, given the Rollout's settings when there is a Rollout).
 */
export function releaseFromArgo(
  objects: SourcedObject[],
  namespace: string,
  build: (settings?: ManifestSettings) => Config,
): { objects: SourcedObject[]; config: Config; notes: string[] } {
  const argo = translateArgo(objects, namespace);
  return { objects: argo.objects, config: build(argo.settings), notes: argo.notes };
}

export interface ArgoTranslation {
  /** The objects to release: Rollouts as Deployments, templates and action-managed Services left out. */
  objects: SourcedObject[];
  /** The Rollout's settings, for buildConfig. */
  settings?: ManifestSettings;
  /** What was ignored or read differently, for the log. */
  notes: string[];
}

const GROUP = 'argoproj.io/';
const TEMPLATE_KINDS = ['AnalysisTemplate', 'ClusterAnalysisTemplate'];

const isArgo = (s: SourcedObject) => s.object.apiVersion.startsWith(GROUP);

/** Translates the Argo objects among `objects` (objects of other groups pass unchanged). */
export function translateArgo(objects: SourcedObject[], namespace: string): ArgoTranslation {
  if (!objects.some(isArgo)) return { objects, notes: [] };
  const findings: ArgoFindings = { errors: [], notes: [] };
  const sources = objects.filter(isArgo).map((s) => new ArgoSource(s, findings));
  const rollouts = sources.filter((s) => s.sourced.object.kind === 'Rollout');
  const templates = indexTemplates(sources, namespace);
  for (const src of sources) {
    const kind = src.sourced.object.kind;
    if (kind === 'Rollout') checkFields(src, ROLLOUT_SCHEMA);
    else if (TEMPLATE_KINDS.includes(kind)) checkFields(src, ANALYSIS_TEMPLATE_SCHEMA);
    else
      src.fail(
        [],
        `${kind} objects are not supported (kube-rollout reads Rollout, AnalysisTemplate and ClusterAnalysisTemplate)`,
      );
  }
  rollouts
    .slice(1)
    .forEach((extra) =>
      extra.fail(
        [],
        `one Rollout per release: ${rollouts[0].label} (${rollouts[0].at([])}) is already in these manifests; release each Rollout in its own step`,
      ),
    );
  const rollout = rollouts[0];
  const settings = rollout && strategySettings(rollout, templates);
  const released = rollout ? releasedObjects(objects, rollout, settings!) : objects.filter((s) => !isArgo(s));
  if (findings.errors.length)
    throw findings.errors.length === 1 ? findings.errors[0] : new InputErrors(findings.errors);
  return {
    objects: released,
    ...(rollout ? { settings: manifestSettings(rollout, settings!, namespace) } : {}),
    notes: findings.notes,
  };
}

function indexTemplates(sources: ArgoSource[], namespace: string): TemplateIndex {
  const index: TemplateIndex = { namespace, namespaced: new Map(), cluster: new Map() };
  for (const src of sources) {
    const { kind, metadata } = src.sourced.object;
    if (kind === 'AnalysisTemplate')
      index.namespaced.set(`${metadata.namespace ?? namespace}/${metadata.name}`, src);
    if (kind === 'ClusterAnalysisTemplate') index.cluster.set(metadata.name!, src);
  }
  return index;
}

/**
 * The Rollout replaced by its Deployment where it stood; the Services the action manages in its
 * place left out; the Service the router drives first among the Services (the engine drives the
 * first Service of the manifests).
 */
function releasedObjects(
  objects: SourcedObject[],
  rollout: ArgoSource,
  settings: StrategySettings,
): SourcedObject[] {
  const deployment = deploymentOf(rollout);
  const name = deployment.metadata.name;
  const clash = objects.find((s) => s.object.kind === 'Deployment' && s.object.metadata.name === name);
  if (clash)
    rollout.fail(
      [],
      `the manifests also hold Deployment ${name} (${clash.file}${clash.line ? `:${clash.line}` : ''}): the Rollout is released as that Deployment; keep one of them`,
    );
  const isService = (s: SourcedObject, n?: string) =>
    s.object.kind === 'Service' && s.object.metadata.name === n;
  const out: SourcedObject[] = [];
  for (const s of objects) {
    if (s === rollout.sourced)
      out.push({ object: deployment, file: s.file, ...(s.line !== undefined ? { line: s.line } : {}) });
    else if (isArgo(s)) continue;
    else if (settings.managedServices.some((n) => isService(s, n))) {
      rollout.note(
        `Service ${s.object.metadata.name} is managed by the action during a release (it selects the new version) and is not applied as written`,
      );
    } else out.push(s);
  }
  const primary = settings.primaryService;
  if (primary && !out.some((s) => isService(s, primary)))
    rollout.fail(
      ['spec', 'strategy'],
      `Service ${primary} is not in the manifests: the action switches it, so it must be released with the Rollout`,
    );
  // Stable sort: the primary Service moves ahead of the other Services, everything else keeps its order.
  const firstService = out.findIndex((s) => s.object.kind === 'Service');
  const at = out.findIndex((s) => isService(s, primary));
  if (primary && at > firstService) out.splice(firstService, 0, ...out.splice(at, 1));
  return out;
}

function manifestSettings(
  rollout: ArgoSource,
  settings: StrategySettings,
  namespace: string,
): ManifestSettings {
  const { name, namespace: own } = rollout.sourced.object.metadata;
  const { file, line } = rollout.sourced;
  return {
    origin: { kind: 'Rollout', name: name!, namespace: own ?? namespace, file, ...(line ? { line } : {}) },
    inputs: settings.inputs,
    fields: settings.fields,
    defaults: settings.defaults,
    ...(settings.autoPromoteAfterMs ? { autoPromoteAfterMs: settings.autoPromoteAfterMs } : {}),
  };
}
