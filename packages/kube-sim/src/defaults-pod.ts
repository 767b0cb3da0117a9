// Upstream defaulting of pod specs and containers (SetDefaults_PodSpec, SetDefaults_Container),
// shared by the workload defaults of defaults.ts and defaults-kinds.ts.

import type { Container, PodSpec } from './views.ts';

/** Set a field of a JSON object (a typed view or any other) that is absent or null. */
export function setIfMissing(obj: object, key: string, value: unknown): void {
  const fields = obj as Record<string, unknown>;
  if (fields[key] === undefined || fields[key] === null) fields[key] = value;
}

function defaultContainer(c: Container | undefined): void {
  if (!c || typeof c !== 'object') return;
  setIfMissing(c, 'terminationMessagePath', '/dev/termination-log');
  setIfMissing(c, 'terminationMessagePolicy', 'File');
  if (!c.imagePullPolicy) {
    const image = String(c.image ?? '');
    const tagPart = image.split('/').pop() ?? '';
    const hasDigest = image.includes('@');
    const tag = tagPart.includes(':') ? tagPart.split(':').pop() : '';
    c.imagePullPolicy = !hasDigest && (!tag || tag === 'latest') ? 'Always' : 'IfNotPresent';
  }
  setIfMissing(c, 'resources', {});
  for (const p of c.ports ?? []) setIfMissing(p, 'protocol', 'TCP');
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
    if (!probe) continue;
    setIfMissing(probe, 'timeoutSeconds', 1);
    setIfMissing(probe, 'periodSeconds', 10);
    setIfMissing(probe, 'successThreshold', 1);
    setIfMissing(probe, 'failureThreshold', 3);
    if (probe.httpGet) setIfMissing(probe.httpGet, 'scheme', 'HTTP');
  }
  for (const e of c.env ?? []) {
    const ref = e?.valueFrom?.fieldRef;
    if (ref) setIfMissing(ref, 'apiVersion', 'v1');
  }
}

export function defaultPodSpec(spec: PodSpec | undefined, restartPolicy = 'Always'): void {
  if (!spec || typeof spec !== 'object') return;
  setIfMissing(spec, 'restartPolicy', restartPolicy);
  setIfMissing(spec, 'terminationGracePeriodSeconds', 30);
  setIfMissing(spec, 'dnsPolicy', 'ClusterFirst');
  setIfMissing(spec, 'securityContext', {});
  setIfMissing(spec, 'schedulerName', 'default-scheduler');
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) {
    if (v?.configMap) setIfMissing(v.configMap, 'defaultMode', 420);
    if (v?.secret) setIfMissing(v.secret, 'defaultMode', 420);
  }
}
