/** Every source of a release's objects: manifest files and kustomize overlays, then a Helm chart. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadManifests, parseRendered } from './load.ts';
import { helmTemplate, type RunTool } from './render-tools.ts';
import type { ReleaseSetSettings, SourcedObject } from './types.ts';

export type ManifestSources = Pick<
  ReleaseSetSettings,
  'manifests' | 'helm' | 'name' | 'namespace' | 'workspace'
>;

export async function loadReleaseObjects(sources: ManifestSources, run?: RunTool): Promise<SourcedObject[]> {
  const objects = sources.manifests.length
    ? await loadManifests(sources.manifests, sources.workspace, run)
    : [];
  if (!sources.helm) return objects;
  const { chart, values, set } = sources.helm;
  // The Helm release name shapes object names ({{ .Release.Name }}): the `name` input, else the chart's.
  const release = sources.name ?? path.basename(chart.replace(/\/+$/, ''));
  // A local chart's objects and errors name its Chart.yaml, a file a workflow annotation can show.
  const chartFile = path.posix.join(chart, 'Chart.yaml');
  const shown = existsSync(path.resolve(sources.workspace, chartFile)) ? chartFile : chart;
  const source = { chart, release, namespace: sources.namespace, values, set };
  const text = await helmTemplate(source, sources.workspace, shown, run);
  return [...objects, ...parseRendered(text, shown)];
}
