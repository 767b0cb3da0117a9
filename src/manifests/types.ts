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
/** A Helm chart rendered with `helm template` into the release's manifests. */
export interface HelmChartConfig {
  /** Chart directory (relative to the workspace) or any chart reference `helm template` accepts. */
  chart: string;
  /** Values files, passed as `-f` in order. */
  values: string[];
  /** `key=value` lines, passed as `--set` in order. */
  set: string[];
}

/** The settings that find and render a release's manifests (config's, read by its field names). */
export interface ReleaseSetSettings {
  manifests: string[];
  helm?: HelmChartConfig;
  /** The release's name: a Helm chart's release name. */
  name?: string;
  namespace: string;
  /** Base directory for relative manifest paths. */
  workspace: string;
  images: string[];
  version?: string;
  versionLabel: string;
  versionedConfig: boolean;
}

/** The parsed, rendered manifests of one release. */
export interface ManifestSet {
  /** Every object in apply order (namespaces, CRDs, config, services, workloads, routes). */
  objects: SourcedObject[];
  /** The Deployments, StatefulSets and DaemonSets, in manifest order. */
  workloads: SourcedObject[];
  /** Version label value written on pod templates. */
  version: string;
}
