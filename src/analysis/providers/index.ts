import type { MetricProviderDefinition } from '../provider.ts';
import type { ProviderName } from '../types.ts';
import { jobProvider } from './job.ts';
import { prometheusProvider } from './prometheus.ts';
import { webProvider } from './web.ts';

/**
 * Every metric provider, by the `provider:` name a metric uses. Adding one is its file (measure and
 * spec reader) plus one line here; config validation and the valid-key lists follow.
 */
export const providers: Record<ProviderName, MetricProviderDefinition> = {
  prometheus: prometheusProvider,
  web: webProvider,
  job: jobProvider,
};

export { jobProvider, prometheusProvider, webProvider };
