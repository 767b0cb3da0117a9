// Public surface of the Kubernetes I/O layer.
export * from './types.ts';
export { createCluster, DEFAULT_FIELD_MANAGER, type ClusterOptions } from './cluster.ts';
export {
  loadKubeConfig,
  kubeConfigSecrets,
  kubeConfigSource,
  type KubeConfigSource,
  type LoadKubeConfigOptions,
} from './kubeconfig.ts';
export {
  isRetryable,
  isConnectionError,
  parseRetryAfter,
  withRetry,
  type RetryInfo,
  type RetryOptions,
} from './retry.ts';
export { WaitTimeoutError, WaitAbortedError, objectKey } from './watch.ts';
