// Server-side dry run of every object before the first write: the API server's own validation,
// admission and defaulting, with errors pointed back at the manifest file and line.
import { InputError, InputErrors } from '../../errors.ts';
import type { Cluster, KubeObject } from '../../kube/types.ts';
import { KubeApiError } from '../../kube/types.ts';
import type { SourcedObject } from '../../manifests/types.ts';
import { inParallel } from '../../kube/parallel.ts';

export interface DryRunResult {
  source: SourcedObject;
  /** The object dry-run: the source's, or its override (a workload as it runs now: changes.ts). */
  sent: KubeObject;
  /** What the object would look like after the apply. */
  result?: KubeObject;
}

const MISSING_NAMESPACE = /namespaces "([^"]+)" not found/;

/**
 * A namespace that does not exist fails every object in it the same way: one error says so (at
 * the first object), instead of one per object.
 */
function oneErrorPerMissingNamespace(
  failed: Array<{ source: SourcedObject; error?: InputError; missing?: string }>,
): InputError[] {
  const errors: InputError[] = [];
  const counted = new Map<string, { first: SourcedObject; count: number }>();
  for (const { source, error, missing } of failed) {
    if (!missing) {
      if (error) errors.push(error);
      continue;
    }
    const seen = counted.get(missing);
    if (seen) seen.count++;
    else counted.set(missing, { first: source, count: 1 });
  }
  for (const [namespace, { first, count }] of counted)
    errors.push(
      new InputError(
        `namespace '${namespace}' does not exist, so none of its ${count} object${count === 1 ? '' : 's'} can be applied: create it, or add the Namespace to the manifests`,
        { file: first.file, line: first.line },
      ),
    );
  return errors;
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
    async (source): Promise<DryRunResult & { error?: InputError; missing?: string }> => {
      const object = overrides.get(source) ?? source.object;
      try {
        return { source, sent: object, result: await cluster.apply(object, { dryRun: true }) };
      } catch (err) {
        // Objects in a namespace (or of a kind) that this same release creates cannot be dry-run yet.
        const ns = object.metadata.namespace;
        if (
          err instanceof KubeApiError &&
          err.code === 404 &&
          ((ns && createdNamespaces.has(ns)) || definesCrds)
        )
          return { source, sent: object };
        if (!(err instanceof KubeApiError) || err.code >= 500 || err.code === 401 || err.code === 403)
          throw err;
        const error = new InputError(
          `${object.kind}/${object.metadata.name} was rejected by the API server: ${err.message}`,
          { file: source.file, line: source.line },
        );
        const missing = err.code === 404 ? MISSING_NAMESPACE.exec(err.message)?.[1] : undefined;
        return { source, sent: object, error, ...(missing ? { missing } : {}) };
      }
    },
  );
  const errors = oneErrorPerMissingNamespace(outcomes.flatMap((o) => (o.error ? [o] : [])));
  if (errors.length) throw errors.length === 1 ? errors[0] : new InputErrors(errors);
  return outcomes.map(({ source, sent, result }) => ({ source, sent, ...(result ? { result } : {}) }));
}
