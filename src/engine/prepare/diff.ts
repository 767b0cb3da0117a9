// What applying an object would change, in one line per change, for `action: plan`. Pure.
import type { KubeObject } from '../../kube/types.ts';
import { specOf, type SpecFields } from '../../manifests/workload-views.ts';
import { containersOf, podTemplateOf } from '../../manifests/pods.ts';
import { sameJson } from '../../compare.ts';

type JsonObject = Record<string, unknown>;

/** Each container of the object's pod template by name, with its image. */
function containers(obj: KubeObject): Map<string, string | undefined> {
  const spec = podTemplateOf(obj)?.spec;
  return new Map((spec ? containersOf(spec) : []).map((c) => [c.name ?? '', c.image]));
}

/** Top-level spec fields (or data keys) whose values differ. */
function changedKeys(a: JsonObject | null = {}, b: JsonObject | null = {}): string[] {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  return [...keys].filter((k) => !sameJson(a?.[k], b?.[k])).sort();
}

export function describeChanges(live: KubeObject, desired: KubeObject): string[] {
  const details: string[] = [];
  const [was, now]: Array<SpecFields | undefined> = [specOf(live), specOf(desired)];
  const before = containers(live);
  for (const [name, image] of containers(desired)) {
    const old = before.get(name);
    if (old === undefined) details.push(`container ${name} added: ${image}`);
    else if (old !== image) details.push(`image ${name}: ${old} → ${image}`);
  }
  for (const name of before.keys())
    if (!containers(desired).has(name)) details.push(`container ${name} removed`);
  if (was?.replicas !== undefined && now?.replicas !== undefined && was.replicas !== now.replicas) {
    details.push(`replicas: ${was.replicas} → ${now.replicas}`);
  }
  if (live.kind === 'Secret') {
    // stringData is plain text; the live object only has base64 `data`.
    const encoded = Object.fromEntries(
      Object.entries(desired.stringData ?? {}).map(([k, v]) => [
        k,
        Buffer.from(String(v)).toString('base64'),
      ]),
    );
    const keys = changedKeys({ ...live.data }, { ...desired.data, ...encoded });
    if (keys.length) details.push(`data changed (values redacted): ${keys.join(', ')}`);
    return details;
  }
  if (live.kind === 'ConfigMap') {
    const keys = changedKeys(live.data, desired.data);
    if (keys.length) details.push(`data changed: ${keys.join(', ')}`);
    return details;
  }
  if (['Service', 'Ingress', 'HTTPRoute', 'VirtualService', 'TrafficSplit'].includes(live.kind)) {
    const keys = changedKeys(specOf(live), specOf(desired));
    if (keys.length)
      details.push(`${live.kind === 'Service' ? 'service' : 'route'} spec changed: ${keys.join(', ')}`);
    return details;
  }
  const templateLabels = changedKeys(was?.template?.metadata?.labels, now?.template?.metadata?.labels);
  if (templateLabels.length) details.push(`pod labels changed: ${templateLabels.join(', ')}`);
  const other = changedKeys(specOf(live), specOf(desired)).filter(
    (k) => k !== 'template' && k !== 'replicas',
  );
  if (other.length) details.push(`spec changed: ${other.join(', ')}`);
  if (details.length === 0 && !sameJson(was?.template, now?.template) && now?.template)
    details.push('pod template changed');
  return details;
}

export function isUnchanged(live: KubeObject, desired: KubeObject): boolean {
  if (live.metadata.generation !== undefined && desired.metadata.generation !== undefined) {
    return (
      live.metadata.generation === desired.metadata.generation && describeChanges(live, desired).length === 0
    );
  }
  return (
    describeChanges(live, desired).length === 0 &&
    sameJson(live.spec, desired.spec) &&
    sameJson(live.data, desired.data)
  );
}
