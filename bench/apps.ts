// Manifests for the side-by-side benchmark. The version label is written into the pod template so
// that kubectl's releases carry it too (the action would set it anyway), and each version is its
// own directory, because kubectl has no `images` input.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { appObjects, type AppOptions } from '../test/helpers/manifests.ts';

export const REGISTRY = 'registry.local:5000/acme';

interface Labelled {
  kind: string;
  metadata: { labels?: Record<string, string> };
  spec: { template: { metadata: { labels: Record<string, string> } }; progressDeadlineSeconds?: number };
}

function write(objects: object[], dirs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'kr-bench-app-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'app.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  return dir;
}

/** One app at `version` (image tag and version label), in a new directory recorded in `dirs`. */
export function versionedApp(
  opts: AppOptions & { name: string; progressDeadlineSeconds?: number },
  version: string,
  dirs: string[],
): string {
  const objects = appObjects({ ...opts, image: `${REGISTRY}/${opts.name}:${version}` }) as Labelled[];
  for (const o of objects) {
    if (o.kind !== 'Deployment') continue;
    // appObjects shares one labels object between selector and template: replace, do not mutate.
    o.spec.template.metadata.labels = { ...o.spec.template.metadata.labels, version };
  }
  return write(objects, dirs);
}

/**
 * `apps` × (Deployment of one replica, Service, `configMaps` ConfigMaps), every Deployment
 * labelled `bench: bulk` so that `kubectl rollout status -l` can follow them all.
 */
export function bulkApps(apps: number, configMaps: number, dirs: string[]): string {
  const objects: object[] = [];
  for (let i = 0; i < apps; i++) {
    const name = `svc-${i}`;
    const [deployment, service] = appObjects({
      name,
      replicas: 1,
      image: `${REGISTRY}/svc:v1`,
    }) as Labelled[];
    deployment.metadata.labels = { ...deployment.metadata.labels, bench: 'bulk' };
    deployment.spec.template.metadata.labels = { ...deployment.spec.template.metadata.labels, version: 'v1' };
    objects.push(deployment, service);
    for (let part = 0; part < configMaps; part++)
      objects.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `${name}-config-${part}` },
        data: { part: String(part) },
      });
  }
  return write(objects, dirs);
}
