// Read verbs: get (object, status, scale), list with limit/continue, pod logs.
import type { ResourceEntry } from '../registry.ts';
import type { SimStoreImpl } from '../store.ts';
import type { KubeObject } from '../types.ts';
import { SimApiError } from '../types.ts';
import { badRequest, gone, notFound } from '../status.ts';
import { formatLabelSelector } from '../selectors.ts';
import {
  view,
  type Container,
  type ContainerStatus,
  type KeyRef,
  type PodView,
  type ScaleTargetView,
} from '../views.ts';

export function apiVersionOfEntry(entry: ResourceEntry): string {
  return entry.group ? `${entry.group}/${entry.version}` : entry.version;
}

export function getObject(
  store: SimStoreImpl,
  entry: ResourceEntry,
  namespace: string | undefined,
  name: string,
): KubeObject {
  const obj = store.get(apiVersionOfEntry(entry), entry.kind, namespace, name);
  if (!obj) throw notFound(entry, name);
  return obj;
}

/** The autoscaling/v1 Scale view of an object with a scale subresource. */
export function toScale(entry: ResourceEntry, object: KubeObject): Record<string, unknown> {
  const obj = view<ScaleTargetView>(object);
  const selector = entry.custom
    ? String(obj.status?.selector ?? '')
    : obj.spec?.selector
      ? formatLabelSelector(obj.spec.selector)
      : '';
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, ...(selector ? { selector } : {}) },
  };
}

interface ContinueToken {
  rv: string;
  start: string;
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

/** A list response: kind <Kind>List, metadata.resourceVersion, limit + continue paging. */
export function listObjects(
  store: SimStoreImpl,
  entry: ResourceEntry,
  namespace: string | undefined,
  query: URLSearchParams,
): Record<string, unknown> {
  const apiVersion = apiVersionOfEntry(entry);
  let rv = store.resourceVersion();
  let items = store.list(apiVersion, entry.kind, namespace, {
    labelSelector: query.get('labelSelector') ?? undefined,
    fieldSelector: query.get('fieldSelector') ?? undefined,
  });
  const cont = query.get('continue');
  if (cont) {
    let token: ContinueToken;
    try {
      token = JSON.parse(Buffer.from(cont, 'base64url').toString('utf8')) as ContinueToken;
      if (typeof token.start !== 'string') throw new Error('bad token');
    } catch {
      throw badRequest('continue key is not valid: illegal base64 data at input byte 0');
    }
    if (Number(token.rv) < store.oldestResumableVersion(entry.group, entry.kind)) {
      throw gone(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      );
    }
    rv = token.rv;
    items = items.filter((o) => keyOf(o) > token.start);
  }
  const limit = Number(query.get('limit') ?? '0');
  const metadata: Record<string, unknown> = { resourceVersion: rv };
  if (limit > 0 && items.length > limit) {
    const rest = items.length - limit;
    items = items.slice(0, limit);
    const token: ContinueToken = { rv, start: keyOf(items[items.length - 1]) };
    metadata.continue = Buffer.from(JSON.stringify(token)).toString('base64url');
    metadata.remainingItemCount = rest;
  }
  // Built-in lists carry no apiVersion/kind on their items; custom resource lists do.
  const shaped = entry.custom
    ? items
    : items.map((o) => {
        const { apiVersion: _a, kind: _k, ...rest } = o;
        return rest;
      });
  return { kind: `${entry.kind}List`, apiVersion, metadata, items: shaped };
}

/**
 * A container's env as the kubelet resolves it: Secret and ConfigMap keys, and `$(NAME)` in a
 * value replaced by an earlier variable (so `SIM_LOG` can print a value taken from a Secret).
 */
function resolvedEnv(
  store: SimStoreImpl,
  namespace: string | undefined,
  container: Container,
): Record<string, string> {
  const env: Record<string, string> = {};
  const keyOf = (kind: 'Secret' | 'ConfigMap', ref: KeyRef | undefined): string | undefined => {
    const obj = ref?.name ? store.get('v1', kind, namespace, ref.name) : undefined;
    const value = obj?.data?.[String(ref?.key)];
    if (typeof value !== 'string') return undefined;
    return kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value;
  };
  for (const e of container.env ?? []) {
    if (typeof e?.name !== 'string') continue;
    const value =
      typeof e.value === 'string'
        ? e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m: string, name: string) => env[name] ?? m)
        : (keyOf('Secret', e.valueFrom?.secretKeyRef) ?? keyOf('ConfigMap', e.valueFrom?.configMapKeyRef));
    if (value !== undefined) env[e.name] = value;
  }
  return env;
}

/** Pod log: the container's SIM_LOG env value, one line per `\n`, honouring tailLines. */
export function podLog(
  store: SimStoreImpl,
  entry: ResourceEntry,
  namespace: string | undefined,
  name: string,
  query: URLSearchParams,
): string {
  const pod = view<PodView>(getObject(store, entry, namespace, name));
  const containers: Container[] = pod.spec?.containers ?? [];
  const wanted = query.get('container');
  let container: Container | undefined;
  if (wanted) {
    container = [...containers, ...(pod.spec?.initContainers ?? [])].find((c) => c.name === wanted);
    if (!container) throw badRequest(`container ${wanted} is not valid for pod ${name}`);
  } else if (containers.length === 1) container = containers[0];
  else {
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`,
    );
  }
  const statuses: ContainerStatus[] = pod.status?.containerStatuses ?? [];
  const st = statuses.find((s) => s.name === container.name);
  if (!st || (st.state?.waiting && !st.lastState?.terminated && !((st.restartCount ?? 0) > 0))) {
    const reason = st?.state?.waiting?.reason ?? 'ContainerCreating';
    throw new SimApiError(
      400,
      'BadRequest',
      `container ${JSON.stringify(container.name)} in pod ${JSON.stringify(name)} is waiting to start: ${reason}`,
    );
  }
  const raw = resolvedEnv(store, namespace, container).SIM_LOG;
  let lines = typeof raw === 'string' && raw !== '' ? raw.split('\n') : [];
  if (lines.length && lines[lines.length - 1] === '') lines = lines.slice(0, -1);
  const tail = query.get('tailLines');
  if (tail !== null && Number(tail) >= 0) lines = Number(tail) === 0 ? [] : lines.slice(-Number(tail));
  return lines.map((l) => `${l}\n`).join('');
}
