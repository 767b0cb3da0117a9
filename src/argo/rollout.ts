/**
 * A Rollout → the Deployment the action releases: same name, namespace, labels, annotations,
 * selector, replicas and pod template, with the Rollout's own Deployment-like fields. The Rollout
 * object itself is never applied.
 */
import type { KubeObject } from '../kube/types.ts';
import { view, type TypedObject } from '../manifests/workload-views.ts';
import type { RolloutSpec } from './fields.ts';
import type { ArgoSource } from './source.ts';

/** Fields a Rollout shares with a Deployment's spec, copied as they are. */
const SHARED_SPEC_FIELDS = [
  'replicas',
  'selector',
  'template',
  'minReadySeconds',
  'revisionHistoryLimit',
  'progressDeadlineSeconds',
];

export function deploymentOf(src: ArgoSource): KubeObject {
  const rollout = src.sourced.object;
  const spec = view<TypedObject<RolloutSpec>>(rollout).spec ?? {};
  if (!spec.template)
    src.fail(['spec'], 'spec.template is required (a Rollout with workloadRef is not supported)');
  if (!spec.selector) src.fail(['spec'], 'spec.selector is required');
  if (spec.paused === true)
    src.fail(
      ['spec', 'paused'],
      'paused: true is not supported: pause with a `pause: {}` step (or blue-green autoPromotionEnabled: false)',
    );
  const { name, namespace, labels, annotations } = rollout.metadata;
  const deploymentSpec: Record<string, unknown> = {};
  for (const key of SHARED_SPEC_FIELDS)
    if (spec[key] !== undefined) deploymentSpec[key] = structuredClone(spec[key]);
  const canary = spec.strategy?.canary;
  // A first release (and promotion) rolls the Deployment with the Rollout's own bounds; Argo's
  // canary defaults are Kubernetes' (25% and 25%).
  if (canary && (canary.maxSurge !== undefined || canary.maxUnavailable !== undefined)) {
    deploymentSpec.strategy = {
      type: 'RollingUpdate',
      rollingUpdate: {
        ...(canary.maxSurge !== undefined ? { maxSurge: canary.maxSurge } : {}),
        ...(canary.maxUnavailable !== undefined ? { maxUnavailable: canary.maxUnavailable } : {}),
      },
    };
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      ...(namespace ? { namespace } : {}),
      ...(labels ? { labels: { ...labels } } : {}),
      ...(annotations ? { annotations: { ...annotations } } : {}),
    },
    spec: deploymentSpec,
  };
}
