// The one place metric providers are registered: one line per provider. Config validation (the
// `provider:` names, each provider's keys and run-wide settings), the MetricSpec union
// (src/analysis/spec.ts), the pre-flight's API access and the README's Roles read them from here.
import { createRegistry } from '../../registry.ts';
import type { MetricProvider, MetricProviderDefinition, ProviderSetting } from '../provider.ts';
import { jobProvider } from './job.ts';
import { prometheusProvider } from './prometheus.ts';
import { webProvider } from './web.ts';

export const PROVIDER_DEFINITIONS = [prometheusProvider, webProvider, jobProvider] as const;

type Registered = (typeof PROVIDER_DEFINITIONS)[number];
type SettingOf<D> = D extends { settings?: readonly (infer S)[] } ? S : never;
/** The Config fields of the providers' run-wide settings (`prometheusUrl`). */
export type ProviderSettingKey = Extract<SettingOf<Registered>, ProviderSetting>['configKey'];
/** Their inputs (`prometheus-url`). */
export type ProviderSettingInput = Extract<SettingOf<Registered>, ProviderSetting>['input'];
/** The providers' run-wide settings by Config field: part of Config and the stored settings. */
export type ProviderSettings = { [K in ProviderSettingKey]?: string };

/** Another provider's setting may not take a setting's input or Config field. */
function settingConflict(
  d: MetricProviderDefinition,
  registered: readonly MetricProviderDefinition[],
): string | undefined {
  const taken = registered.flatMap((r) => (r.settings ?? []).map((s) => [r.name, s] as const));
  for (const setting of d.settings ?? []) {
    const clash = taken.find(([, s]) => s.input === setting.input || s.configKey === setting.configKey);
    if (clash) return `its setting '${setting.input}' is provider '${clash[0]}''s`;
  }
  return undefined;
}

/** Every metric provider, by the `provider:` name a metric uses; `register` is also the test seam. */
export const PROVIDERS = createRegistry<MetricProviderDefinition>(
  'metric provider',
  PROVIDER_DEFINITIONS,
  settingConflict,
);

/** Every provider's run-wide settings, in registry order. */
export function providerSettings(): ProviderSetting[] {
  return PROVIDERS.all().flatMap((p) => p.settings ?? []);
}

/** The settings' values in `config`, by Config field, as measurements read them. */
export function providerSettingValues(config: object): Record<string, string | undefined> {
  const values = config as Record<string, unknown>;
  return Object.fromEntries(
    providerSettings().map((s) => [
      s.configKey,
      typeof values[s.configKey] === 'string' ? (values[s.configKey] as string) : undefined,
    ]),
  );
}

export { jobProvider, prometheusProvider, webProvider };

/** The registered providers by name, as a run measures with them (read once the run starts). */
export function providerTable(): Record<string, MetricProvider> {
  return Object.fromEntries(PROVIDERS.all().map((p) => [p.name, p]));
}
