// Pure pre-flight checks: each returns the problems it finds as InputErrors pointing at the input
// or the manifest file and line, so all of them can be reported together before the first write.
import { renderTemplate, TemplateError } from '../analysis/template.ts';
import type { TemplateContext } from '../analysis/types.ts';
import { fieldOf, type MetricSpec } from '../analysis/spec.ts';
import { PROVIDERS } from '../analysis/providers/index.ts';
import type { Config } from '../config/types.ts';
import { InputError } from '../errors.ts';
import { type KubeObject, workloadKey } from '../kube/types.ts';
import type { ManifestSet, SourcedObject } from '../manifests/types.ts';
import { STATE_SCHEMA, type ReleaseState } from '../record/types.ts';
import { serializeState, snapshotCopy, STATE_BUDGET_BYTES } from '../state/release-state.ts';
import { routeNameIn, routerDefinition } from '../traffic/index.ts';
import type { RouterTarget } from '../traffic/types.ts';

const at = (o: SourcedObject) => `${o.file}:${o.line}`;
const describe = (obj: KubeObject) =>
  `${obj.kind}/${obj.metadata.name}${obj.metadata.namespace ? ` in namespace ${obj.metadata.namespace}` : ''}`;

/** The same kind/namespace/name twice: the second would silently win. */
export function duplicateObjects(manifests: ManifestSet): InputError[] {
  const first = new Map<string, SourcedObject>();
  const errors: InputError[] = [];
  for (const o of manifests.objects) {
    const key = workloadKey(o.object);
    const earlier = first.get(key);
    if (!earlier) first.set(key, o);
    else
      errors.push(
        new InputError(`${describe(o.object)} is defined twice: here and at ${at(earlier)}`, {
          file: o.file,
          line: o.line,
        }),
      );
  }
  return errors;
}

function allMetrics(config: Pick<Config, 'analysis' | 'steps'>): MetricSpec[] {
  const fromSteps = config.steps.flatMap((s) => ('analysis' in s ? (s.analysis.metrics ?? []) : []));
  return [...(config.analysis?.metrics ?? []), ...fromSteps];
}

function httpUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `'${text}' is not a URL (expected http:// or https://…)`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `'${text}' is not an http:// or https:// URL`;
  return undefined;
}

/** Templates that cannot be filled in this release and URLs that are not http(s), per metric. */
export function metricProblems(config: Config, template: TemplateContext): InputError[] {
  const errors: InputError[] = [];
  for (const metric of allMetrics(config)) {
    const input = config.analysis?.metrics.includes(metric) ? 'analysis' : 'steps';
    const fail = (message: string) =>
      errors.push(new InputError(`metric '${metric.name}': ${message}`, { input, line: metric.line }));
    const { filled = [], urls = [] } = PROVIDERS.get(metric.provider).spec;
    for (const field of filled) {
      const text = fieldOf(metric, field);
      if (typeof text !== 'string') continue;
      const isUrl = (urls as readonly string[]).includes(field);
      let rendered: string;
      try {
        rendered = renderTemplate(text, template);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        fail(`${field}: ${err.message}`);
        continue;
      }
      const problem = isUrl ? httpUrlProblem(rendered) : undefined;
      if (problem) fail(`${field}: ${problem}`);
    }
  }
  return errors;
}

/** The release state as deploy first writes it would not fit its ConfigMap. */
export function stateSizeProblem(
  name: string,
  manifests: ManifestSet,
  live: Map<string, KubeObject | undefined>,
  budget = STATE_BUDGET_BYTES,
): InputError | undefined {
  const rendered = manifests.objects.map((o) => o.object);
  // Objects not read yet are assumed as large live as rendered (the snapshot holds live copies).
  const snapshot = rendered.map((o) => snapshotCopy(live.get(workloadKey(o)) ?? o));
  const state = {
    schema: STATE_SCHEMA,
    name,
    phase: 'progressing',
    strategy: 'rolling',
    newVersion: manifests.version,
    currentStep: 0,
    canaryWeight: 0,
    rendered,
    stableSnapshot: snapshot,
    updatedAt: new Date(0).toISOString(),
    record: { steps: [], measurements: [], evidence: [], weights: [], notes: [] },
  } as unknown as ReleaseState;
  try {
    serializeState(state, budget);
    return undefined;
  } catch {
    const largest = [...manifests.objects].sort(
      (a, b) => JSON.stringify(b.object).length - JSON.stringify(a.object).length,
    )[0];
    const size = Buffer.byteLength(JSON.stringify(state));
    return new InputError(
      `the release state of '${name}' would be about ${size} bytes, more than its ConfigMap holds (${budget}): the rendered manifests are too large (largest: ${describe(largest.object)}, ${Buffer.byteLength(JSON.stringify(largest.object))} bytes)`,
      { input: 'manifests', file: largest.file, line: largest.line },
    );
  }
}

/** One object a router needs: found in the manifests, or to be read from the cluster. */
export interface TargetNeed {
  kind: string;
  /** The name the input gives (undefined: any object of the kind in the manifests). */
  name?: string;
  input: string;
  inManifests: boolean;
}

/** What the router of a progressive release needs to exist: its target object and the Service. */
export function routerNeeds(config: Config, manifests: ManifestSet): TargetNeed[] {
  const definition = routerDefinition(config.traffic);
  const has = (kind: string, name?: string) =>
    manifests.objects.some((o) => o.object.kind === kind && (!name || o.object.metadata.name === name));
  const needs: TargetNeed[] = [];
  if (definition.needsService)
    needs.push({ kind: 'Service', input: 'manifests', inManifests: has('Service') });
  const target: RouterTarget | undefined = definition.target;
  if (target) {
    const name = routeNameIn(config, target);
    if (target.required || name) {
      const need = {
        kind: target.kind,
        input: name ? target.input : 'manifests',
        inManifests: has(target.kind, name),
      };
      needs.push(name ? { ...need, name } : need);
    }
  }
  return needs;
}
