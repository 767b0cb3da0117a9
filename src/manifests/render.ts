/**
 * Parsed manifests → the release's ManifestSet: images substituted, namespaces defaulted, version
 * label and release annotations written, optional versioned config, objects in apply order.
 */
import { InputError, InputErrors } from '../errors.ts';
import { ANNOTATIONS } from '../labels.ts';
import { parseImageRef, repository, tryParseImageRef, type ImageRef } from './images.ts';
import { containersOf, isWorkload, POD_TEMPLATE_KINDS, podTemplateOf } from './pods.ts';
import type { ManifestSet, SourcedObject } from './types.ts';
import { asDeployment, asWorkload } from './workload-views.ts';
import { applyVersionedConfig } from './versioned-config.ts';

export interface RenderOptions {
  images: string[];
  namespace: string;
  version?: string;
  versionLabel: string;
  changeCause?: { commit?: string; runUrl?: string };
  versionedConfig?: boolean;
}

export { ANNOTATIONS } from '../labels.ts';

export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolume',
  'StorageClass',
  'IngressClass',
  'PriorityClass',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'RuntimeClass',
  'CSIDriver',
  'VolumeSnapshotClass',
  'GatewayClass',
  'ClusterIssuer',
  'Node',
]);

/** Apply order groups; kinds not listed go last. */
const APPLY_ORDER: string[][] = [
  ['Namespace'],
  ['CustomResourceDefinition'],
  [
    'ServiceAccount',
    'ClusterRole',
    'ClusterRoleBinding',
    'Role',
    'RoleBinding',
    'PriorityClass',
    'StorageClass',
    'IngressClass',
    'GatewayClass',
    'ResourceQuota',
    'LimitRange',
    'NetworkPolicy',
    'PersistentVolume',
  ],
  ['ConfigMap', 'Secret', 'PersistentVolumeClaim'],
  ['Service', 'Gateway'],
  [...POD_TEMPLATE_KINDS, 'Pod'],
  ['Ingress', 'HTTPRoute', 'GRPCRoute', 'VirtualService', 'DestinationRule', 'TrafficSplit'],
];
const ORDER_RANK = new Map(APPLY_ORDER.flatMap((kinds, rank) => kinds.map((kind) => [kind, rank] as const)));

const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export function applyOrderRank(kind: string): number {
  return ORDER_RANK.get(kind) ?? APPLY_ORDER.length;
}

/** Sorts by apply-order group, keeping manifest order within a group. */
export function sortForApply(objects: SourcedObject[]): SourcedObject[] {
  return objects
    .map((s, i) => ({ s, i }))
    .sort((a, b) => applyOrderRank(a.s.object.kind) - applyOrderRank(b.s.object.kind) || a.i - b.i)
    .map(({ s }) => s);
}

/** The version: explicit, else the first image's tag, else the short commit SHA. */
export function resolveVersion(opts: Pick<RenderOptions, 'version' | 'images' | 'changeCause'>): string {
  if (opts.version) return opts.version;
  const first = opts.images[0] ? tryParseImageRef(opts.images[0]) : undefined;
  if (first?.tag) return first.tag;
  const commit = opts.changeCause?.commit;
  if (commit) return commit.slice(0, 7);
  throw new InputError(
    "cannot tell the release's version: set 'version', give an image with a tag, or run on a commit",
    { input: 'version' },
  );
}

export function renderManifests(objects: SourcedObject[], opts: RenderOptions): ManifestSet {
  const errors: InputError[] = [];
  let rendered = objects.map((s) => ({ ...s, object: structuredClone(s.object) }));
  const version = resolveVersion(opts);
  if (version.length > 63 || !LABEL_VALUE.test(version)) {
    throw new InputError(
      `version '${version}' cannot be a label value (letters, digits, -, _ and ., at most 63)`,
      { input: 'version' },
    );
  }
  const wanted = wantedImages(opts.images, errors);
  for (const sourced of rendered) renderObject(sourced, { wanted, version, opts, errors });
  errors.push(...unusedImages(rendered, wanted));
  if (errors.length === 1) throw errors[0];
  if (errors.length) throw new InputErrors(errors);

  if (opts.versionedConfig) rendered = applyVersionedConfig(rendered).objects;
  const ordered = sortForApply(rendered);
  return { objects: ordered, workloads: rendered.filter((s) => isWorkload(s.object)), version };
}

interface WantedImage {
  ref: ImageRef;
  used: boolean;
}

/** The `images` input by repository; problems (bad refs, one repository twice) go to `errors`. */
function wantedImages(texts: readonly string[], errors: InputError[]): Map<string, WantedImage> {
  const wanted = new Map<string, WantedImage>();
  for (const text of texts) {
    let ref: ImageRef;
    try {
      ref = parseImageRef(text);
    } catch (err) {
      errors.push(new InputError((err as Error).message, { input: 'images' }));
      continue;
    }
    const repo = repository(ref);
    if (wanted.has(repo))
      errors.push(new InputError(`two entries name repository ${repo}`, { input: 'images' }));
    wanted.set(repo, { ref, used: false });
  }
  return wanted;
}

/** Namespace, images, the version label on the pods and the release annotations, in place. */
function renderObject(
  { object, file, line }: SourcedObject,
  ctx: { wanted: Map<string, WantedImage>; version: string; opts: RenderOptions; errors: InputError[] },
): void {
  const { opts, version } = ctx;
  if (!CLUSTER_SCOPED_KINDS.has(object.kind) && !object.metadata.namespace)
    object.metadata.namespace = opts.namespace;
  const template = podTemplateOf(object);
  if (!template) return;
  for (const container of containersOf(template.spec)) {
    const current = typeof container.image === 'string' ? tryParseImageRef(container.image) : undefined;
    const image = current && ctx.wanted.get(repository(current));
    if (!image) continue;
    container.image = image.ref.original;
    image.used = true;
  }
  // Before validation: a workload may still lack its spec.
  const selector = asWorkload(object)?.spec?.selector?.matchLabels;
  if (selector && opts.versionLabel in selector) {
    ctx.errors.push(
      new InputError(
        `${object.kind} ${object.metadata.name} selects on the version label '${opts.versionLabel}'; remove it from spec.selector (the action sets it on each release's pods)`,
        { input: 'manifests', file, line },
      ),
    );
  }
  template.metadata = {
    ...template.metadata,
    labels: { ...template.metadata?.labels, [opts.versionLabel]: version },
  };
  // The API server defaulted `rollingUpdate` into a Deployment that was a rolling update, and
  // refuses it once the type is Recreate: the switch has to remove it (a null in the apply does).
  const strategy = asDeployment(object)?.spec?.strategy;
  if (strategy?.type === 'Recreate' && !('rollingUpdate' in strategy))
    Object.assign(strategy, { rollingUpdate: null });
  if (isWorkload(object))
    object.metadata.annotations = {
      ...object.metadata.annotations,
      ...releaseAnnotations(version, opts.changeCause),
    };
}

/** An `images` entry that no container uses is a mistake (a typo in the repository, usually). */
function unusedImages(rendered: readonly SourcedObject[], wanted: Map<string, WantedImage>): InputError[] {
  const containerImages = rendered.flatMap(({ object }) => {
    const spec = podTemplateOf(object)?.spec;
    return spec
      ? containersOf(spec)
          .map((c) => c.image)
          .filter((i): i is string => typeof i === 'string')
      : [];
  });
  const seen = [...new Set(containerImages)].join(', ') || 'none';
  return [...wanted.values()]
    .filter((image) => !image.used)
    .map(
      (image) =>
        new InputError(
          `image '${image.ref.original}' matches no container in the manifests (their images: ${seen})`,
          { input: 'images' },
        ),
    );
}

/** `kubernetes.io/change-cause` (shown by `kubectl rollout history`) and the kube-rollout.io/ annotations. */
export function releaseAnnotations(
  version: string,
  cause: RenderOptions['changeCause'] = {},
): Record<string, string> {
  const details = [
    cause.commit ? `commit ${cause.commit.slice(0, 7)}` : '',
    cause.runUrl ? `run ${cause.runUrl}` : '',
  ].filter(Boolean);
  return {
    [ANNOTATIONS.changeCause]: `kube-rollout: version ${version}${details.length ? ` (${details.join(', ')})` : ''}`,
    [ANNOTATIONS.version]: version,
    ...(cause.commit ? { [ANNOTATIONS.commit]: cause.commit } : {}),
    ...(cause.runUrl ? { [ANNOTATIONS.runUrl]: cause.runUrl } : {}),
  };
}
