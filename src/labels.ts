// Every label and annotation key the action reads or writes, in one place. Keys of our own use
// the `kube-rollout.io/` prefix (CONTRACT.md); the rest are Kubernetes' well-known keys.

export const LABELS = {
  /** `app.kubernetes.io/managed-by: kube-rollout` on every object the action creates for itself. */
  managedBy: 'app.kubernetes.io/managed-by',
  /** The release (app) an object belongs to: state ConfigMap, Lease, analysis Jobs. */
  release: 'kube-rollout.io/release',
  /** `canary` or `green` on the copies and router objects the action owns. */
  role: 'kube-rollout.io/role',
  /** The metric an analysis Job measures. */
  analysis: 'kube-rollout.io/analysis',
  /** What the Deployment controller adds to each ReplicaSet's copy of the pod template. */
  templateHash: 'pod-template-hash',
  /** What the StatefulSet controller puts on each pod: the revision it was made from. */
  revisionHash: 'controller-revision-hash',
} as const;

export const MANAGED_BY_VALUE = 'kube-rollout';

export const ANNOTATIONS = {
  // Written into the rendered manifests.
  changeCause: 'kubernetes.io/change-cause',
  version: 'kube-rollout.io/version',
  commit: 'kube-rollout.io/commit',
  runUrl: 'kube-rollout.io/run-url',
  /** Versioned ConfigMaps/Secrets: the name the user gave. */
  originalName: 'kube-rollout.io/original-name',
  /** On a canary/green copy: the workload it copies. */
  copyOf: 'kube-rollout.io/copy-of',
  // Router bookkeeping. The `original-*` ones hold the user's own shape of an object so that
  // `reset()` can restore it from the cluster alone, in a later job.
  originalSelector: 'kube-rollout.io/original-selector',
  originalRules: 'kube-rollout.io/original-rules',
  originalHttp: 'kube-rollout.io/original-http',
  originalSubsets: 'kube-rollout.io/original-subsets',
  originalBackends: 'kube-rollout.io/original-backends',
  canaryWeight: 'kube-rollout.io/canary-weight',
  headerRoutes: 'kube-rollout.io/header-routes',
  stableReplicas: 'kube-rollout.io/stable-replicas',
  /** On objects a router created itself (value: the router name); reset deletes only those. */
  createdBy: 'kube-rollout.io/created-by',
  canaryOf: 'kube-rollout.io/canary-of',
  /** On the release's Secret `kube-rollout-<name>`: the entries its release state refers to. */
  storedSecrets: 'kube-rollout.io/stored-secrets',
} as const;

/**
 * The annotations every release writes on its workloads (render.ts): what `kubectl rollout
 * history` shows (change-cause) and which version a revision runs. A rollback puts back those of
 * the revision it returns to, as `kubectl rollout undo` does.
 */
export const RELEASE_ANNOTATION_KEYS = [
  ANNOTATIONS.changeCause,
  ANNOTATIONS.version,
  ANNOTATIONS.commit,
  ANNOTATIONS.runUrl,
] as const;

/** Labels for an object the action owns on behalf of release `name`. */
export function ownedLabels(name: string): Record<string, string> {
  return { [LABELS.managedBy]: MANAGED_BY_VALUE, [LABELS.release]: name };
}
