// Runs one action in-process the way src/main.ts wires it (inputs → config → manifests → release),
// against a given cluster, for table-driven tests that need no bundle.
import { providers } from '../../src/analysis/index.ts';
import { buildConfig } from '../../src/config/index.ts';
import { INPUT_NAMES, type Inputs } from '../../src/config/inputs.ts';
import type { Config } from '../../src/config/types.ts';
import { deploy, promote, rollback, status, type ReleaseDeps } from '../../src/engine/release.ts';
import { InputErrors } from '../../src/errors.ts';
import type { Cluster } from '../../src/kube/types.ts';
import { checkReferences, loadManifests, renderManifests } from '../../src/manifests/index.ts';
import type { ManifestSet } from '../../src/manifests/types.ts';
import type { RolloutRecord } from '../../src/record/types.ts';

export function inputsOf(given: Partial<Inputs>): Inputs {
  return Object.fromEntries(INPUT_NAMES.map((n) => [n, given[n] ?? ''])) as Inputs;
}

async function manifestsOf(config: Config): Promise<ManifestSet | undefined> {
  if (config.manifests.length === 0) return undefined;
  const set = renderManifests(await loadManifests(config.manifests, config.workspace), {
    images: config.images,
    namespace: config.namespace,
    version: config.version,
    versionLabel: config.versionLabel,
    versionedConfig: config.versionedConfig,
  });
  const { errors } = checkReferences(set);
  if (errors.length) throw errors.length === 1 ? errors[0] : new InputErrors(errors);
  return set;
}

const quiet = { info: () => {}, warn: () => {}, group: <T>(_: string, fn: () => Promise<T>) => fn() };

/** Runs the action the inputs ask for; resolves with its record, rejects as main would fail. */
export async function runInProcess(
  given: Partial<Inputs>,
  workspace: string,
  cluster: Cluster,
): Promise<RolloutRecord> {
  const config = buildConfig(inputsOf(given), { GITHUB_WORKSPACE: workspace });
  const deps: ReleaseDeps = {
    config,
    cluster,
    log: quiet,
    signal: AbortSignal.timeout(60_000),
    providers,
    manifests: await manifestsOf(config),
    holder: 'in-process-test',
    sleep: async () => {},
  };
  const flows = { deploy, promote, rollback, status } as const;
  if (config.action === 'plan') throw new Error('plan is not run in-process here');
  return flows[config.action](deps);
}
