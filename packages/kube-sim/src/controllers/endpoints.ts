// Endpoints and EndpointSlices for every Service with a selector. Ready pods are `addresses`,
// unready ones `notReadyAddresses`; terminating pods leave Endpoints at once and stay in the
// slice as terminating (serving false), as upstream does.
import type { KubeObject } from '../types.ts';
import { viewAll, type PodView, type ServicePort, type ServiceView } from '../views.ts';
import { guarded, type ControllerContext } from './context.ts';
import { computeHash } from './hash.ts';
import { clone, isPodReady, isPodTerminal, isTerminating, jsonEqual, selectorMatches } from './util.ts';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
const CONTROLLER = 'endpointslice-controller.k8s.io';

function resolvePort(svcPort: ServicePort, pod: PodView | undefined): number {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(String(target))) return Number(target);
  for (const c of pod?.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target) return Number(p.containerPort);
  }
  return Number(svcPort.port);
}

function targetRef(pod: KubeObject) {
  return { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
}

function upsert(ctx: ControllerContext, desired: KubeObject): void {
  const existing = ctx.store.get(
    desired.apiVersion,
    desired.kind,
    desired.metadata.namespace,
    desired.metadata.name ?? '',
  );
  if (!existing) {
    ctx.store.create(desired);
    return;
  }
  const { metadata: _m, ...want } = desired;
  const { metadata: _e, apiVersion: _a, kind: _k, ...have } = existing;
  const { apiVersion: _a2, kind: _k2, ...wantBody } = want;
  const labelsSame = jsonEqual(existing.metadata.labels ?? {}, desired.metadata.labels ?? {});
  if (labelsSame && jsonEqual(have, wantBody)) return;
  const next = clone(existing);
  for (const k of Object.keys(have)) delete next[k];
  Object.assign(next, wantBody);
  next.metadata.labels = desired.metadata.labels;
  ctx.store.update(next);
}

export function syncService(ctx: ControllerContext, svc: ServiceView): void {
  const ns = svc.metadata.namespace;
  const name = svc.metadata.name ?? '';
  const selector = svc.spec?.selector;
  const pods = viewAll<PodView>(ctx.store.list('v1', 'Pod', ns))
    .filter(
      (p) =>
        p.status?.podIP && !isPodTerminal(p) && selectorMatches({ matchLabels: selector }, p.metadata.labels),
    )
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const publishNotReady = Boolean(svc.spec?.publishNotReadyAddresses);
  const svcPorts: ServicePort[] = svc.spec?.ports ?? [];
  const sample = pods[0];
  const ports = svcPorts.map((p) => ({
    ...(p.name ? { name: p.name } : {}),
    port: resolvePort(p, sample),
    protocol: p.protocol ?? 'TCP',
    ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
  }));

  const address = (p: PodView) => ({
    ip: p.status?.podIP,
    nodeName: p.spec?.nodeName,
    targetRef: targetRef(p),
  });
  const live = pods.filter((p) => !isTerminating(p) || publishNotReady);
  const ready = live.filter((p) => publishNotReady || (isPodReady(p) && !isTerminating(p)));
  const notReady = live.filter((p) => !ready.includes(p));
  const subset: Record<string, unknown> = {};
  if (ready.length) subset.addresses = ready.map(address);
  if (notReady.length) subset.notReadyAddresses = notReady.map(address);
  subset.ports = ports;
  upsert(ctx, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace: ns, labels: { ...(svc.metadata.labels ?? {}) } },
    subsets: ready.length || notReady.length ? [subset] : [],
  } as KubeObject);

  const sliceName = `${name}-${computeHash(svc.metadata.uid ?? name).slice(0, 5)}`;
  const slice: KubeObject = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: sliceName,
      namespace: ns,
      labels: { ...(svc.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: name, [MANAGED_BY]: CONTROLLER },
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          name,
          uid: svc.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    addressType: 'IPv4',
    // Upstream endpointslice podToEndpoint: serving is the pod's readiness, ready is serving and
    // not terminating (unless publishNotReadyAddresses), terminating is the deletionTimestamp.
    endpoints: pods.map((p) => {
      const serving = isPodReady(p) || publishNotReady;
      const ready = publishNotReady || (serving && !isTerminating(p));
      return {
        addresses: [p.status?.podIP],
        conditions: { ready, serving, terminating: isTerminating(p) },
        nodeName: p.spec?.nodeName,
        targetRef: targetRef(p),
      };
    }),
    ports,
  };
  upsert(ctx, slice);
}

export function syncEndpoints(ctx: ControllerContext): void {
  const services = viewAll<ServiceView>(ctx.store.list('v1', 'Service'));
  const wanted = new Set<string>();
  for (const svc of services) {
    const sel = svc.spec?.selector;
    if (!sel || !Object.keys(sel).length || svc.spec?.type === 'ExternalName') continue;
    wanted.add(`${svc.metadata.namespace}/${svc.metadata.name}`);
    guarded(ctx, svc, () => syncService(ctx, svc));
  }
  // Endpoints of services that are gone (slices go by ownerReference garbage collection).
  let managed = managedByStore.get(ctx.store);
  if (!managed) managedByStore.set(ctx.store, (managed = new Set()));
  for (const key of managed) {
    if (wanted.has(key)) continue;
    const [ns, name] = key.split('/');
    if (!services.some((s) => s.metadata.namespace === ns && s.metadata.name === name)) {
      ctx.store.delete('v1', 'Endpoints', ns, name);
    }
    managed.delete(key);
  }
  for (const k of wanted) managed.add(k);
}

/** Endpoints written for each store (upstream keeps no marker either; it tracks services). */
const managedByStore = new WeakMap<object, Set<string>>();
