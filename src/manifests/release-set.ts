// The release's manifests from the config, start to finish: loaded (files, kustomize, Helm),
// rendered (images, version label, namespaces) and checked for references between objects.
import type { Config } from '../config/types.ts';
import { InputErrors, type InputError } from '../errors.ts';
import { loadReleaseObjects } from './sources.ts';
import { renderManifests } from './render.ts';
import type { ManifestSet, SourcedObject } from './types.ts';
import { checkReferences } from './validate.ts';

export interface ReleaseSetOptions {
  commit?: string;
  runUrl?: string;
  /** Sees the objects as loaded, before anything about them is printed (to mask Secret values). */
  onLoaded?: (objects: SourcedObject[]) => void;
}

/** Undefined when the config names no manifests (promote, rollback, status). */
export async function loadReleaseSet(
  config: Config,
  opts: ReleaseSetOptions = {},
): Promise<{ set: ManifestSet; warnings: InputError[] } | undefined> {
  if (config.manifests.length === 0 && !config.helm) return undefined;
  const objects = await loadReleaseObjects(config);
  opts.onLoaded?.(objects);
  const set = renderManifests(objects, {
    images: config.images,
    namespace: config.namespace,
    version: config.version,
    versionLabel: config.versionLabel,
    changeCause: { commit: opts.commit, runUrl: opts.runUrl },
    versionedConfig: config.versionedConfig,
  });
  const { errors, warnings } = checkReferences(set);
  if (errors.length) throw errors.length === 1 ? errors[0] : new InputErrors(errors);
  return { set, warnings };
}
