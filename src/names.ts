// The names of the objects a release creates, in one place, and the longest names they leave for
// the user's own: each created name must still be a valid Kubernetes name. Limits as
// kube-apiserver checks them (k8s.io/apimachinery/pkg/util/validation: IsDNS1123Subdomain 253,
// IsDNS1035Label and IsValidLabelValue 63; a Service's name is a DNS-1035 label,
// pkg/apis/core/validation ValidateServiceName), and the Deployment controller names each
// ReplicaSet `<deployment>-<pod-template-hash>` (pkg/controller/deployment/sync.go,
// getNewReplicaSet; the hash is a uint32 written in decimal, so at most 10 characters).

export const DNS_SUBDOMAIN_MAX = 253;
export const DNS_LABEL_MAX = 63;
export const LABEL_VALUE_MAX = 63;
/** `-<pod-template-hash>` the Deployment controller appends to each ReplicaSet's name. */
const REPLICA_SET_SUFFIX_MAX = 1 + 10;

/**
 * What the new version's copy of a workload is called after: `<workload>-canary`, `-green`. Each
 * strategy that runs copies declares its own (src/strategies/), so any registered one is valid.
 */
export type CopySuffix = string;

const OWNED_PREFIX = 'kube-rollout-';

/** The objects the action keeps for release `name`: state ConfigMap and Secret, Lease. */
export function ownedObjectName(release: string): string {
  return `${OWNED_PREFIX}${release}`;
}

/** The new version's copy of a Deployment. */
export function copyName(workload: string, suffix: CopySuffix): string {
  return `${workload}-${suffix}`;
}

/** The Service a router points at the new version, beside the user's `service`. */
export function canaryServiceName(service: string): string {
  return `${service}-canary`;
}

/** The ingress-nginx canary Ingress beside the user's `ingress`. */
export function canaryIngressName(ingress: string): string {
  return `${ingress}-canary`;
}

/**
 * Longest release name: it is the value of label `kube-rollout.io/release` on every object the
 * release owns (a label value) and names ConfigMap, Secret and Lease `kube-rollout-<name>`.
 */
export const MAX_RELEASE_NAME = Math.min(LABEL_VALUE_MAX, DNS_SUBDOMAIN_MAX - ownedObjectName('').length);

/** Longest Deployment name with a copy: the copy and its ReplicaSets' names are DNS subdomains. */
export function maxCopiedWorkloadName(suffix: CopySuffix): number {
  return DNS_SUBDOMAIN_MAX - REPLICA_SET_SUFFIX_MAX - copyName('', suffix).length;
}

/** Longest Service name a router may add `-canary` to (a Service name is a DNS-1035 label). */
export const MAX_CANARY_SERVICE_BASE = DNS_LABEL_MAX - canaryServiceName('').length;

/** Longest Ingress name ingress-nginx's canary Ingress is named after (a DNS subdomain). */
export const MAX_CANARY_INGRESS_BASE = DNS_SUBDOMAIN_MAX - canaryIngressName('').length;
