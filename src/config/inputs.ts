import { providerSettings, type ProviderSettingInput } from '../analysis/providers/index.ts';
import { routeTargets, type RouteInput } from '../traffic/index.ts';

/**
 * The action's own inputs, by their action.yml names, with action.yml's defaults. With the inputs
 * the registries declare (a router's target object, a metric provider's run-wide setting; they
 * have no default) this is the one list of input names in the code; a unit test checks it
 * against action.yml.
 */
export const INPUT_DEFAULTS = {
  action: 'deploy',
  strategy: 'rolling',
  manifests: undefined,
  'helm-chart': undefined,
  'helm-values': undefined,
  'helm-set': undefined,
  images: undefined,
  name: undefined,
  namespace: 'default',
  version: undefined,
  'version-label': 'app.kubernetes.io/version',
  traffic: undefined,
  steps: undefined,
  analysis: undefined,
  'max-surge': undefined,
  'max-unavailable': undefined,
  workloads: undefined,
  service: undefined,
  'preview-service': undefined,
  'auto-promote': 'true',
  'scale-down-delay': undefined,
  timeout: '30m',
  'progress-deadline': undefined,
  'rollback-on-failure': 'true',
  'to-revision': undefined,
  'promote-full': 'false',
  'versioned-config': 'false',
  prune: 'false',
  kubeconfig: undefined,
  context: undefined,
  'lock-timeout': '5m',
  'lease-duration': '30s',
  // action.yml's default is `${{ github.token }}`, which only the runner can expand.
  'github-token': undefined,
  comment: 'true',
  'pr-number': undefined,
  environment: undefined,
  'environment-url': undefined,
  'deployment-status': 'false',
  'production-environment': 'false',
  'transient-environment': 'false',
} as const satisfies Record<string, string | undefined>;

export type InputName = keyof typeof INPUT_DEFAULTS | RouteInput | ProviderSettingInput;

/** Every input's name: the action's own, then those the registered routers and providers declare. */
export function inputNames(): InputName[] {
  const declared = [...routeTargets().map((t) => t.input), ...providerSettings().map((s) => s.input)];
  return [...new Set([...Object.keys(INPUT_DEFAULTS), ...declared])] as InputName[];
}

/** An input's action.yml default (undefined: it has none). */
export function inputDefault(name: InputName): string | undefined {
  return (INPUT_DEFAULTS as Record<string, string | undefined>)[name];
}

/** Raw input text by action.yml name; '' when not given (as `@actions/core` getInput returns). */
export type Inputs = Record<InputName, string>;

/** Reads every input. Pass `core.getInput` (which trims) or a test double. */
export function readInputs(getInput: (name: string) => string): Inputs {
  const inputs = {} as Inputs;
  for (const name of inputNames()) inputs[name] = getInput(name) ?? '';
  return inputs;
}

/** Inputs with every value '' except the given ones: for tests and tools. */
export function inputsOf(values: Partial<Inputs>): Inputs {
  return readInputs((name) => values[name as InputName] ?? '');
}
