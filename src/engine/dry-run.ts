// Server-side dry run of every object before the first write: the API server's own validation,
// admission and defaulting, with errors pointed back at the manifest file and line.
import { InputError, InputErrors } from '../errors.ts';
import type { Cluster, KubeObject } from '../kube/types.ts';
import { KubeApiError } from '../kube/types.ts';
import type { SourcedObject } from '../manifests/types.ts';
import { inParallel } from '../kube/parallel.ts';

export interface DryRunResult {
  source: SourcedObject;
  /** What the object would look like after the apply. */
  result?: KubeObject;
}

export async function dryRunAll(
  cluster: Cluster,
  objects: SourcedObject[],
  overrides = new Map<SourcedObject, KubeObject>(),
): Promise<DryRunResult[]> {
  const createdNamespaces = new Set(
    objects.filter((o) => o.object.kind === 'Namespace').map((o) => o.object.metadata.name),
  );
  const definesCrds = objects.some((o) => o.object.kind === 'CustomResourceDefinition');
  const outcomes = await inParallel(
    objects,
    async (source): Promise<DryRunResult & { error?: InputError }> => {
      const object = overrides.get(source) ?? source.object;
      try {
        return { source, result: await cluster.apply(object, { dryRun: true }) };
      } catch (err) {
        // Objects in a namespace (or of a kind) that this same release creates cannot be dry-run yet.
        const ns = object.metadata.namespace;
        if (
          err instanceof KubeApiError &&
          err.code === 404 &&
          ((ns && createdNamespaces.has(ns)) || definesCrds)
        )
          return { source };
        if (!(err instanceof KubeApiError) || err.code >= 500 || err.code === 401 || err.code === 403)
          throw err;
        const error = new InputError(
          `${object.kind}/${object.metadata.name} was rejected by the API server: ${err.message}`,
          { file: source.file, line: source.line },
        );
        return { source, error };
      }
    },
  );
  const errors = outcomes.flatMap((o) => (o.error ? [o.error] : []));
  if (errors.length) throw errors.length === 1 ? errors[0] : new InputErrors(errors);
  return outcomes.map(({ error: _error, ...result }) => result);
}
