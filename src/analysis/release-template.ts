// The values of `{{…}}` placeholders in a release: one function for the pre-flight (which checks
// every placeholder has a value) and the analysis steps (which fill them in).
import type { Config } from '../config/types.ts';
import { type KubeObject, workloadKey } from '../kube/types.ts';
import type { ManifestSet } from '../manifests/types.ts';
import { backendServices } from '../manifests/validate.ts';
import { servicesSelecting } from '../traffic/lanes.ts';
import type { TemplateContext } from './types.ts';

export interface TemplateFacts {
  /** The release's name. */
  app: string;
  canaryVersion: string;
  /** `none` for a first release: baseline queries then find no data. */
  stableVersion: string | undefined;
  /** Workload keys the release changes, copied first (the workload `{{service}}` fronts). */
  changed?: ReadonlySet<string>;
  progressive?: ReadonlySet<string>;
}

/**
 * `{{service}}` is the Service of the workload the release is about (the first one released as a
 * copy, else the first that changes), `{{ingress}}` the `ingress` input or the Ingress that routes
 * to that Service.
 */
export function releaseTemplate(
  config: Pick<Config, 'namespace' | 'versionLabel' | 'previewService' | 'ingress'>,
  manifests: ManifestSet,
  facts: TemplateFacts,
): TemplateContext {
  const workloads = manifests.workloads.map((w) => w.object);
  const about = (keys?: ReadonlySet<string>) => workloads.find((w) => keys?.has(workloadKey(w)));
  const focus = about(facts.progressive) ?? about(facts.changed) ?? workloads[0];
  const first = (kind: string) => manifests.objects.find((o) => o.object.kind === kind)?.object;
  const service = (focus && servicesSelecting(manifests, focus, config)[0]) ?? first('Service');
  const ingress =
    config.ingress ?? ingressTo(manifests, service)?.metadata.name ?? first('Ingress')?.metadata.name;
  return {
    app: facts.app,
    namespace: config.namespace,
    ...(service?.metadata.name ? { service: service.metadata.name } : {}),
    ...(ingress ? { ingress } : {}),
    canaryVersion: facts.canaryVersion,
    stableVersion: facts.stableVersion ?? 'none',
  };
}

function ingressTo(manifests: ManifestSet, service: KubeObject | undefined): KubeObject | undefined {
  const name = service?.metadata.name;
  return manifests.objects.find(
    (o) => o.object.kind === 'Ingress' && backendServices(o.object).some((ref) => ref.name === name),
  )?.object;
}
