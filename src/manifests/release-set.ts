// The release's manifests from the config, start to finish: loaded (files, kustomize, Helm),
// rendered (images, version label, namespaces) and checked for references between objects.
import { InputErrors, type InputError } from '../errors.ts';
import { loadReleaseObjects } from './sources.ts';
import { renderManifests } from './render.ts';
import type { ManifestSet, ReleaseSetSettings, SourcedObject } from './types.ts';
import { checkReferences } from './validate.ts';
import { checkReleaseName } from './name-limits.ts';

export interface ReleaseSetOptions<C extends ReleaseSetSettings = ReleaseSetSettings> {
  commit?: string;
  runUrl?: string;
  /** Sees the objects as loaded, before anything about them is printed (to mask Secret values). */
  onLoaded?: (objects: SourcedObject[]) => void;
  /**
   * Turns objects of other tools into what the action releases (Argo Rollouts: src/argo/), with
   * the config their settings give; runs after loading, before rendering.
   */
  translate?: (objects: SourcedObject[]) => TranslatedRelease<C>;
}

/** What a translation gives: the objects to release, the config to release them with, notes. */
export interface TranslatedRelease<C extends ReleaseSetSettings = ReleaseSetSettings> {
  objects: SourcedObject[];
  config: C;
  notes: string[];
}

/** Undefined when the config names no manifests (promote, rollback, status). */
export async function loadReleaseSet<C extends ReleaseSetSettings>(
  config: C,
  opts: ReleaseSetOptions<C> = {},
): Promise<{ set: ManifestSet; warnings: InputError[]; config: C; notes: string[] } | undefined> {
  if (config.manifests.length === 0 && !config.helm) return undefined;
  const loaded = await loadReleaseObjects(config);
  opts.onLoaded?.(loaded);
  const translated = opts.translate?.(loaded) ?? { objects: loaded, config, notes: [] };
  const { objects, notes } = translated;
  config = translated.config;
  const set = renderManifests(objects, {
    images: config.images,
    namespace: config.namespace,
    version: config.version,
    versionLabel: config.versionLabel,
    changeCause: { commit: opts.commit, runUrl: opts.runUrl },
    versionedConfig: config.versionedConfig,
  });
  const references = checkReferences(set);
  const errors = [...references.errors, ...checkReleaseName(set, config)];
  const { warnings } = references;
  if (errors.length) throw errors.length === 1 ? errors[0] : new InputErrors(errors);
  return { set, warnings, config, notes };
}
