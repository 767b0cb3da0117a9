// Where the cluster credentials come from, in order: the `kubeconfig` input (content), the first
// file in $KUBECONFIG, ~/.kube/config, then the in-cluster service account. Also lists every
// credential string so main can mask them before anything is logged.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { InputError, type InputLocation } from '../errors.ts';

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

/**
 * Errors are InputErrors naming the `kubeconfig` or `context` input (or the file), with the
 * parser's reason and position but never the content: a kubeconfig is full of credentials.
 */
export function loadKubeConfig(opts: LoadKubeConfigOptions): KubeConfig {
  const kc = new KubeConfig();
  const content = decodeIfBase64(opts.kubeconfig?.trim());
  let source: KubeConfigSource;
  let where: { name: string; at: InputLocation };
  if (content) {
    where = { name: 'the kubeconfig input', at: { input: 'kubeconfig' } };
    parse(() => kc.loadFromString(content), where);
    source = 'input';
  } else {
    const file = kubeconfigFile(opts.env);
    if (file) {
      where = { name: file.path, at: {} };
      parse(() => kc.loadFromFile(file.path), where);
      source = file.source;
    } else if (
      opts.env.KUBERNETES_SERVICE_HOST &&
      opts.env.KUBERNETES_SERVICE_PORT &&
      fs.existsSync(`${SERVICE_ACCOUNT_DIR}/token`)
    ) {
      kc.loadFromCluster();
      source = 'in-cluster';
      where = { name: 'the in-cluster service account', at: {} };
    } else {
      throw new InputError(
        'no kubeconfig found: set the `kubeconfig` input, or $KUBECONFIG, or create ~/.kube/config (e.g. with azure/k8s-set-context or aws eks update-kubeconfig), or run inside a cluster',
        { input: 'kubeconfig' },
      );
    }
  }
  selectContext(kc, opts.context, where);
  sources.set(kc, source);
  return kc;
}

function selectContext(
  kc: KubeConfig,
  context: string | undefined,
  where: { name: string; at: InputLocation },
): void {
  const available = kc.getContexts().map((c) => c.name);
  if (available.length === 0)
    throw new InputError(`${where.name} defines no contexts: it is not a kubeconfig`, where.at);
  if (context) {
    if (!kc.getContextObject(context)) {
      throw new InputError(
        `context "${context}" not found in ${where.name}; available contexts: ${available.join(', ')}`,
        { input: 'context' },
      );
    }
    kc.setCurrentContext(context);
  }
  const current = kc.getCurrentContext();
  if (!current || !kc.getContextObject(current)) {
    throw new InputError(
      `${where.name} has no usable current-context${current ? ` ("${current}" is not defined)` : ''}; set the \`context\` input to one of: ${available.join(', ')}`,
      where.at,
    );
  }
  if (!kc.getCurrentCluster())
    throw new InputError(`context "${current}" of ${where.name} names a cluster that is not defined`, {
      input: context ? 'context' : 'kubeconfig',
    });
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

function parse(load: () => void, where: { name: string; at: InputLocation }): void {
  try {
    load();
  } catch (err) {
    throw new InputError(`cannot read ${where.name} as a kubeconfig: ${parserReason(err)}`, where.at);
  }
}

/**
 * The parser's reason without the excerpt of the source it appends (js-yaml quotes the lines
 * around the error, credentials included): its `reason` and position, else the first line.
 */
export function parserReason(err: unknown): string {
  const e = err as { reason?: unknown; mark?: { line?: number; column?: number }; message?: unknown };
  if (typeof e?.reason === 'string' && e.mark && typeof e.mark.line === 'number') {
    return `${e.reason} (line ${e.mark.line + 1}, column ${(e.mark.column ?? 0) + 1})`;
  }
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return message.split('\n')[0].slice(0, 200);
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
