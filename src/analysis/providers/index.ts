import type { MetricProvider } from '../provider.ts';
import type { ProviderName } from '../types.ts';
import { jobProvider } from './job.ts';
import { prometheusProvider } from './prometheus.ts';
import { webProvider } from './web.ts';

/** Every metric provider, by the `provider:` name a metric uses. */
export const providers: Record<ProviderName, MetricProvider> = {
  prometheus: prometheusProvider,
  web: webProvider,
  job: jobProvider,
};

export { jobProvider, prometheusProvider, webProvider };
