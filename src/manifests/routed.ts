import type { ManifestSet, SourcedObject } from './types.ts';

/**
 * The object of `kind` a router drives (and metric templates name): the one an input names, else
 * the first of that kind in the manifests.
 */
export function routedObject(set: ManifestSet, kind: string, name?: string): SourcedObject | undefined {
  return set.objects.find((o) => o.object.kind === kind && (!name || o.object.metadata.name === name));
}
