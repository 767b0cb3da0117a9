// Where the cluster credentials come from, in order: the `kubeconfig` input (content), the first
// file in $KUBECONFIG, ~/.kube/config, then the in-cluster service account. Also lists every
// credential string so main can mask them before anything is logged.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export type KubeConfigSource = 'input' | 'env' | 'file' | 'in-cluster';

export interface LoadKubeConfigOptions {
  /** Kubeconfig content (YAML or JSON), e.g. the action's `kubeconfig` input. */
  kubeconfig?: string;
  /** Context to use instead of the file's current-context. */
  context?: string;
  env: Record<string, string | undefined>;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const sources = new WeakMap<KubeConfig, KubeConfigSource>();

export function loadKubeConfig(opts: LoadKubeConfigOptions): KubeConfig {
  const kc = new KubeConfig();
  const content = decodeIfBase64(opts.kubeconfig?.trim());
  let source: KubeConfigSource;
  if (content) {
    parse(() => kc.loadFromString(content), 'the kubeconfig input');
    source = 'input';
  } else {
    const file = kubeconfigFile(opts.env);
    if (file) {
      parse(() => kc.loadFromFile(file.path), file.path);
      source = file.source;
    } else if (
      opts.env.KUBERNETES_SERVICE_HOST &&
      opts.env.KUBERNETES_SERVICE_PORT &&
      fs.existsSync(`${SERVICE_ACCOUNT_DIR}/token`)
    ) {
      kc.loadFromCluster();
      source = 'in-cluster';
    } else {
      throw new Error(
        'no kubeconfig found: set the `kubeconfig` input, or $KUBECONFIG, or create ~/.kube/config (e.g. with azure/k8s-set-context or aws eks update-kubeconfig), or run inside a cluster',
      );
    }
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const available = kc.getContexts().map((c) => c.name);
      throw new Error(
        `kubeconfig context "${opts.context}" not found; available contexts: ${available.length ? available.join(', ') : '(none)'}`,
      );
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentContext() || !kc.getContextObject(kc.getCurrentContext())) {
    const available = kc.getContexts().map((c) => c.name);
    throw new Error(
      `kubeconfig has no usable current-context${kc.getCurrentContext() ? ` ("${kc.getCurrentContext()}" is not defined)` : ''}; set the \`context\` input to one of: ${available.join(', ') || '(none)'}`,
    );
  }
  if (!kc.getCurrentCluster())
    throw new Error(`kubeconfig context "${kc.getCurrentContext()}" names a cluster that is not defined`);
  sources.set(kc, source);
  return kc;
}

/** Where `loadKubeConfig` found this config. */
export function kubeConfigSource(kc: KubeConfig): KubeConfigSource | undefined {
  return sources.get(kc);
}

function kubeconfigFile(
  env: Record<string, string | undefined>,
): { path: string; source: KubeConfigSource } | undefined {
  // $KUBECONFIG may list several files (merged by kubectl); we use the first that exists.
  for (const entry of (env.KUBECONFIG ?? '').split(path.delimiter)) {
    if (entry.trim() && fs.existsSync(entry.trim())) return { path: entry.trim(), source: 'env' };
  }
  if (env.KUBECONFIG?.trim()) throw new Error(`$KUBECONFIG names no existing file: ${env.KUBECONFIG}`);
  const home = env.HOME || env.USERPROFILE || os.homedir();
  const fallback = path.join(home, '.kube', 'config');
  return fs.existsSync(fallback) ? { path: fallback, source: 'file' } : undefined;
}

/** Some pipelines store the kubeconfig base64-encoded in a secret; accept that form too. */
function decodeIfBase64(content: string | undefined): string | undefined {
  if (!content || !/^[A-Za-z0-9+/=\s]+$/.test(content)) return content;
  const decoded = Buffer.from(content, 'base64').toString('utf8');
  return /\b(clusters|contexts|apiVersion)\b/.test(decoded) ? decoded : content;
}

function parse(load: () => void, where: string): void {
  try {
    load();
  } catch (err) {
    throw new Error(
      `cannot read ${where} as a kubeconfig: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}

/**
 * Every credential string in the config, plus the forms it may be printed in (base64, decoded
 * PEM lines, `user:password` basic auth), for `core.setSecret`. Never includes empty strings.
 */
export function kubeConfigSecrets(kc: KubeConfig): string[] {
  const secrets = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value !== 'string') return;
    const v = value.trim();
    if (v.length < 4) return;
    secrets.add(v);
    secrets.add(Buffer.from(v).toString('base64'));
  };
  const addBase64Pem = (data: string | undefined) => {
    if (!data) return;
    secrets.add(data.trim());
    addPemLines(Buffer.from(data, 'base64').toString('utf8'));
  };
  const addPemLines = (pem: string) => {
    // Runners mask line by line, so a multi-line key is registered one line at a time.
    for (const line of pem.split(/\r?\n/)) {
      const l = line.trim();
      if (l.length >= 8 && !l.startsWith('-----')) secrets.add(l);
    }
  };
  for (const user of kc.getUsers()) {
    add(user.token);
    add(user.password);
    if (user.username && user.password) add(`${user.username}:${user.password}`);
    addBase64Pem(user.keyData);
    if (user.keyFile) addPemLines(readQuietly(user.keyFile));
    const providerConfig = user.authProvider?.config ?? {};
    for (const key of ['id-token', 'refresh-token', 'access-token', 'client-secret'])
      add(providerConfig[key]);
    if (typeof providerConfig.tokenFile === 'string') add(readQuietly(providerConfig.tokenFile));
    // Exec plugins often get their credentials through env (AWS_SECRET_ACCESS_KEY, ...); plain
    // settings such as AWS_PROFILE=default must stay readable.
    for (const entry of user.exec?.env ?? []) {
      if (/token|secret|password|key|credential/i.test(String(entry?.name ?? ''))) add(entry?.value);
    }
  }
  return [...secrets];
}

function readQuietly(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
