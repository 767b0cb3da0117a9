import type { KubeObject } from '../kube/types.ts';

/** One object from the user's manifests, with where it came from for error messages. */
export interface SourcedObject {
  object: KubeObject;
  file: string;
  /** 1-based line where the YAML document starts; none for kustomize or Helm output. */
  line?: number;
  /**
   * Line of a field inside the object (`['spec', 'strategy']`), for messages that point at the
   * field itself. Kept only for objects whose fields the action checks itself (Argo Rollouts kinds).
   */
  lineOf?: (path: readonly (string | number)[]) => number | undefined;
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** The parsed, rendered manifests of one release. */
export interface ManifestSet {
  /** Every object in apply order (namespaces, CRDs, config, services, workloads, routes). */
  objects: SourcedObject[];
  /** The Deployments, StatefulSets and DaemonSets, in manifest order. */
  workloads: SourcedObject[];
  /** Version label value written on pod templates. */
  version: string;
}
