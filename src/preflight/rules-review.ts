// A fast path for the access checks: one SelfSubjectRulesReview per namespace lists what the
// credentials may do there, and a check those rules allow needs no SelfSubjectAccessReview of its
// own. The rules only ever allow: a check they do not allow is asked of the server as before, since
// the list can be incomplete (webhook authorizers) and the server's own answer is the one that
// counts. Matching follows RBAC's (verbs, API groups, resources with `*` and `*/subresource`; a rule
// limited to resourceNames does not cover an unnamed check).
import type { Cluster } from '../kube/types.ts';
import { view, type TypedObject } from '../manifests/workload-views.ts';
import type { AccessCheck } from './permissions.ts';

export interface ResourceRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

/** A SelfSubjectRulesReview as answered, with only the status field read here. */
type RulesReviewObject = TypedObject<unknown, { resourceRules?: ResourceRule[] }>;

function has(list: readonly string[] | undefined, value: string): boolean {
  return !!list && (list.includes('*') || list.includes(value));
}

/** Whether RBAC rule `rule` grants `check` (resource may be `name/subresource`). */
export function ruleAllows(rule: ResourceRule, check: AccessCheck): boolean {
  if (rule.resourceNames?.length) return false;
  if (!has(rule.verbs, check.verb) || !has(rule.apiGroups, check.group)) return false;
  const subresource = check.resource.split('/')[1];
  return (
    has(rule.resources, check.resource) || (!!subresource && !!rule.resources?.includes(`*/${subresource}`))
  );
}

/** The rules the credentials have in `namespace`; none when the review cannot be had (never throws). */
async function rulesIn(cluster: Cluster, namespace: string): Promise<ResourceRule[]> {
  try {
    const review = await cluster.create({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      metadata: {},
      spec: { namespace },
    });
    return view<RulesReviewObject>(review).status?.resourceRules ?? [];
  } catch {
    return []; // every check then gets its own access review
  }
}

/** One run's rules reviews, each namespace asked once: a run asks early and reads the answer later. */
export interface RulesReviews {
  rulesIn(namespace: string): Promise<ResourceRule[]>;
}

export function rulesReviews(cluster: Cluster): RulesReviews {
  const asked = new Map<string, Promise<ResourceRule[]>>();
  return {
    rulesIn(namespace) {
      let rules = asked.get(namespace);
      if (!rules) asked.set(namespace, (rules = rulesIn(cluster, namespace)));
      return rules;
    },
  };
}

/** For each check, whether its namespace's rules allow it (cluster-scoped checks: false). */
export async function allowedByRules(
  reviews: RulesReviews,
  checks: readonly AccessCheck[],
): Promise<boolean[]> {
  const namespaces = [...new Set(checks.flatMap((c) => (c.namespace ? [c.namespace] : [])))];
  const rules = new Map(
    await Promise.all(namespaces.map(async (ns) => [ns, await reviews.rulesIn(ns)] as const)),
  );
  return checks.map((c) => !!c.namespace && (rules.get(c.namespace) ?? []).some((r) => ruleAllows(r, c)));
}
