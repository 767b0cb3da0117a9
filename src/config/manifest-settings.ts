/**
 * Settings a manifest gives the release (an Argo Rollout's strategy: src/argo/), read through the
 * same InputReader as the inputs so every check of buildConfig applies to them. A setting the
 * manifest gives wins; an input given as well must say the same, else it is refused naming both.
 */
import { isDeepStrictEqual } from 'node:util';
import type { InputLocation } from '../errors.ts';
import type { InputReader } from './input-reader.ts';
import type { InputName, Inputs } from './inputs.ts';
import type { ManifestSettings } from './types.ts';

export type { ManifestSettings };

/** `reader` with the manifest's settings layered over the inputs. */
export function withManifestSettings(
  reader: InputReader,
  settings: ManifestSettings | undefined,
): InputReader {
  if (!settings) return reader;
  const provided = (name: InputName) => Object.hasOwn(settings.inputs, name);
  // Given in the workflow, not merely defaulted by action.yml.
  const written = (name: InputName) => (reader.inputs[name] ?? '').trim() !== '';
  const checked = new Set<InputName>();
  const refuse = (name: InputName, said: string) => {
    if (checked.has(name)) return;
    checked.add(name);
    const { kind, name: object, file, line } = settings.origin;
    const at = line ? `${file}:${line}` : file;
    reader.fail(
      name,
      `${said}, but ${kind} ${object} (${at}) sets it with ${settings.fields[name] ?? 'its strategy'}: the ${kind} decides this; remove the input`,
    );
  };
  const defaulted = (name: InputName) => !written(name) && Object.hasOwn(settings.defaults ?? {}, name);
  const read = <T>(name: InputName, parse: (text: string, where: InputLocation) => T, fallback: T): T => {
    if (defaulted(name)) return settings.defaults![name] as T;
    if (!provided(name)) return reader.read(name, parse, fallback);
    const value = settings.inputs[name] as T;
    if (written(name)) {
      const said = reader.read<T | typeof NOT_PARSED>(name, parse, NOT_PARSED);
      if (said !== NOT_PARSED && !isDeepStrictEqual(said, value)) refuse(name, quoted(reader.raw(name)));
    }
    return value;
  };
  return {
    ...reader,
    given: (name) => provided(name) || defaulted(name) || reader.given(name),
    raw(name) {
      if (defaulted(name)) return String(settings.defaults![name]);
      if (!provided(name)) return reader.raw(name);
      const value = String(settings.inputs[name]);
      if (written(name) && reader.raw(name) !== value) refuse(name, quoted(reader.raw(name)));
      return value;
    },
    read,
    optional: (name, parse) => read(name, parse, undefined),
  };
}

const NOT_PARSED = Symbol('not parsed');

/** `says 'rolling'` for a short one-line input, `is given` for a YAML document. */
function quoted(text: string): string {
  return text.includes('\n') || text.length > 60 ? 'is given' : `says '${text}'`;
}

/** The inputs that locate and render the manifests; the others are left unset (their defaults). */
const LOADING_INPUTS: readonly InputName[] = [
  'action',
  'manifests',
  'helm-chart',
  'helm-values',
  'helm-set',
  'images',
  'name',
  'namespace',
  'version',
  'version-label',
  'versioned-config',
];

/** `inputs` with only the ones needed to load and render the manifests. */
export function inputsForLoading(inputs: Inputs): Inputs {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [
      name,
      LOADING_INPUTS.includes(name as InputName) ? value : '',
    ]),
  ) as Inputs;
}
