// authorization.k8s.io/v1 self reviews, answered from the store's RBAC objects like the real
// authorizer: SelfSubjectAccessReview ("may I do this?") and SelfSubjectRulesReview ("what may I
// do in this namespace?"). Every authenticated user may ask (the built-in system:basic-user role);
// nothing is stored.
import { applicableRules, isAllowed } from '../rbac.ts';
import type { UserInfo } from '../rbac.ts';
import type { ResourceEntry } from '../registry.ts';
import type { SimStoreImpl } from '../store.ts';
import { SimApiError } from '../types.ts';
import { decodeReview } from './protobuf.ts';

export const REVIEW_RESOURCES = new Set(['selfsubjectaccessreviews', 'selfsubjectrulesreviews']);

export interface ReviewBody {
  bytes?: Buffer;
  contentType: string;
}

/** The fields of a self review the answers read; parseReview checks only that spec is an object. */
interface Review {
  metadata?: Record<string, unknown>;
  spec: {
    namespace?: string;
    resourceAttributes?: {
      group?: string;
      resource?: string;
      verb?: string;
      subresource?: string;
      namespace?: string;
      name?: string;
    };
    nonResourceAttributes?: unknown;
  };
}

function parseReview(body: ReviewBody, kind: string): Review {
  let review: unknown;
  try {
    const bytes = body.bytes ?? Buffer.alloc(0);
    review =
      body.contentType === 'application/vnd.kubernetes.protobuf'
        ? decodeReview(bytes)
        : JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new SimApiError(
      400,
      'BadRequest',
      `the body of the ${kind} could not be read: ${(err as Error).message}`,
    );
  }
  const spec = review && typeof review === 'object' ? (review as { spec?: unknown }).spec : undefined;
  if (!review || typeof review !== 'object' || typeof spec !== 'object' || spec === null)
    throw new SimApiError(422, 'Invalid', `${kind}.authorization.k8s.io is invalid: spec: Required value`);
  return review as Review;
}

function answer(review: Review, kind: string, status: Record<string, unknown>) {
  return {
    kind,
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null, ...(review.metadata ?? {}) },
    spec: review.spec,
    status,
  };
}

function accessReview(store: SimStoreImpl, user: UserInfo, review: Review, rbac: boolean) {
  const attrs = review.spec.resourceAttributes;
  if (!attrs && !review.spec.nonResourceAttributes)
    throw new SimApiError(
      422,
      'Invalid',
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
  // Non-resource URLs (/healthz, /version) are open to every authenticated user here.
  if (!attrs) return answer(review, 'SelfSubjectAccessReview', { allowed: true });
  const entry = { group: attrs.group ?? '', resource: attrs.resource ?? '' } as ResourceEntry;
  const allowed =
    !rbac ||
    isAllowed(store, user, {
      verb: attrs.verb ?? '',
      entry,
      subresource: attrs.subresource || undefined,
      namespace: attrs.namespace || undefined,
      name: attrs.name || undefined,
    });
  return answer(
    review,
    'SelfSubjectAccessReview',
    allowed ? { allowed, reason: 'RBAC: allowed' } : { allowed },
  );
}

function rulesReview(store: SimStoreImpl, user: UserInfo, review: Review, rbac: boolean) {
  const namespace = review.spec.namespace;
  if (!namespace)
    throw new SimApiError(
      400,
      'BadRequest',
      'no namespace on request: SelfSubjectRulesReview needs spec.namespace',
    );
  const rules = rbac
    ? applicableRules(store, user, namespace)
    : applicableRules(store, { ...user, groups: ['system:masters'] });
  return answer(review, 'SelfSubjectRulesReview', {
    resourceRules: rules.map((r) => ({
      verbs: r.verbs ?? [],
      apiGroups: r.apiGroups ?? [],
      resources: r.resources ?? [],
      ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}),
    })),
    nonResourceRules: [
      { verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/version', '/healthz'] },
    ],
    incomplete: false,
  });
}

/** The answer to a POST of either review (201, as the real server answers a create). */
export function selfReview(
  store: SimStoreImpl,
  user: UserInfo,
  resource: string,
  body: ReviewBody,
  rbac: boolean,
): { code: number; body: unknown } {
  if (resource === 'selfsubjectaccessreviews')
    return { code: 201, body: accessReview(store, user, parseReview(body, 'SelfSubjectAccessReview'), rbac) };
  return { code: 201, body: rulesReview(store, user, parseReview(body, 'SelfSubjectRulesReview'), rbac) };
}
