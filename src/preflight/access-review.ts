// Asks the API server which of the needed verbs the credentials lack: what the namespace's rules
// do not already allow, with SelfSubjectAccessReviews. Reviews persist nothing: they are answered,
// not stored.
import { inParallel } from '../kube/parallel.ts';
import type { ApiAccess, Cluster } from '../kube/types.ts';
import { view, type TypedObject } from '../manifests/workload-views.ts';
import { qualifiedResource, type AccessCheck } from './permissions.ts';
import { allowedByRules, rulesReviews } from './rules-review.ts';

export type { AccessCheck } from './permissions.ts';

/** One check per verb of every entry, in `namespace`. */
export function accessChecks(list: readonly ApiAccess[], namespace?: string): AccessCheck[] {
  return list.flatMap((a) =>
    a.verbs.map((verb) => ({
      group: a.group,
      resource: a.resource,
      verb,
      ...(namespace ? { namespace } : {}),
    })),
  );
}

/** A SelfSubjectAccessReview as answered, with only the status field read here. */
type AccessReviewObject = TypedObject<unknown, { allowed?: boolean }>;

async function allowed(cluster: Cluster, check: AccessCheck): Promise<boolean> {
  const [resource, subresource] = check.resource.split('/');
  const review = await cluster.create({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: {
      resourceAttributes: {
        group: check.group,
        resource,
        verb: check.verb,
        ...(subresource ? { subresource } : {}),
        ...(check.namespace ? { namespace: check.namespace } : {}),
      },
    },
  });
  return view<AccessReviewObject>(review).status?.allowed === true;
}

/**
 * The checks the server denies, in the order given. Those the namespace's rules allow
 * (rules-review.ts) are settled by one request per namespace; the rest are asked one by one.
 */
export async function deniedAccess(
  cluster: Cluster,
  checks: readonly AccessCheck[],
  reviews = rulesReviews(cluster),
): Promise<AccessCheck[]> {
  const byRules = await allowedByRules(reviews, checks);
  const open = checks.filter((_, i) => !byRules[i]);
  const verdicts = await inParallel(open, (check) => allowed(cluster, check));
  return open.filter((_, i) => !verdicts[i]);
}

/** `get, list leases.coordination.k8s.io in namespace shop` lines, one per resource and scope. */
export function describeDenied(denied: readonly AccessCheck[]): string[] {
  const byResource = new Map<string, string[]>();
  for (const d of denied) {
    const scope = d.namespace ? `in namespace ${d.namespace}` : 'cluster-wide';
    const key = `${qualifiedResource(d)} ${scope}`;
    byResource.set(key, [...(byResource.get(key) ?? []), d.verb]);
  }
  return [...byResource].map(([what, verbs]) => `${verbs.join(', ')} ${what}`);
}
