// Writes an app's manifests (Deployment, Service, optional Ingress) to a temp directory, with the
// simulator's behaviour knobs as container env, for end-to-end tests and the demo.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface AppOptions {
  name?: string;
  namespace?: string;
  replicas?: number;
  image?: string;
  /** Simulator knobs: SIM_CRASH, SIM_ERROR_RATE, SIM_LATENCY_MS, SIM_STARTUP_SECONDS, … */
  env?: Record<string, string>;
  maxSurge?: number | string;
  maxUnavailable?: number | string;
  progressDeadlineSeconds?: number;
  ingress?: boolean;
  httpRoute?: boolean;
  extra?: object[];
}

export function appObjects(opts: AppOptions = {}): object[] {
  const name = opts.name ?? 'web';
  const labels = { app: name };
  const env = Object.entries({ SIM_STARTUP_SECONDS: '1', ...(opts.env ?? {}) }).map(([k, v]) => ({
    name: k,
    value: v,
  }));
  const objects: object[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, labels, ...(opts.namespace ? { namespace: opts.namespace } : {}) },
      spec: {
        replicas: opts.replicas ?? 4,
        selector: { matchLabels: labels },
        ...(opts.progressDeadlineSeconds ? { progressDeadlineSeconds: opts.progressDeadlineSeconds } : {}),
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: opts.maxSurge ?? 1, maxUnavailable: opts.maxUnavailable ?? 0 },
        },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name,
                image: opts.image ?? `registry.local:5000/acme/${name}:v1`,
                ports: [{ name: 'http', containerPort: 8080 }],
                env,
                readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels, ...(opts.namespace ? { namespace: opts.namespace } : {}) },
      spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    },
  ];
  if (opts.ingress) {
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name, labels, ...(opts.namespace ? { namespace: opts.namespace } : {}) },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            host: `${name}.example.test`,
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } },
              ],
            },
          },
        ],
      },
    });
  }
  if (opts.httpRoute) {
    objects.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name, labels, ...(opts.namespace ? { namespace: opts.namespace } : {}) },
      spec: {
        parentRefs: [{ name: 'gateway' }],
        hostnames: [`${name}.example.test`],
        rules: [{ backendRefs: [{ name, port: 80 }] }],
      },
    });
  }
  return [...objects, ...(opts.extra ?? [])];
}

/** Writes the app to `<dir>/app.yaml` (a new temp dir unless given) and returns the directory. */
export function writeApp(opts: AppOptions = {}, dir = mkdtempSync(join(tmpdir(), 'kr-app-'))): string {
  writeFileSync(
    join(dir, 'app.yaml'),
    appObjects(opts)
      .map((o) => stringify(o))
      .join('---\n'),
  );
  return dir;
}
