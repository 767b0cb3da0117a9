/**
 * Settings a manifest gives the release (an Argo Rollout's strategy: src/argo/), read through the
 * same InputReader as the inputs so every check of buildConfig applies to them. A setting the
 * manifest gives wins; an input given as well must say the same, else it is refused naming both.
 */
import { isDeepStrictEqual } from 'node:util';
import type { InputLocation } from '../errors.ts';
import type { InputReader } from './input-reader.ts';
import type { InputName } from './inputs.ts';

export interface ManifestSettings {
  /** The object that gives them: `Rollout web`, with its file:line. */
  origin: { kind: string; name: string; namespace?: string; at: string };
  /** Values by the input they stand for, already in Config's types (steps parsed, durations in ms). */
  inputs: Partial<Record<InputName, unknown>>;
  /** The manifest field behind each value, for messages: `spec.strategy.canary.steps (app.yaml:14)`. */
  fields: Partial<Record<InputName, string>>;
  /** Blue-green: with auto-promote false, promote after this long (Argo's autoPromotionSeconds). */
  autoPromoteAfterMs?: number;
}

/** `reader` with the manifest's settings layered over the inputs. */
export function withManifestSettings(
  reader: InputReader,
  settings: ManifestSettings | undefined,
): InputReader {
  if (!settings) return reader;
  const provided = (name: InputName) => Object.hasOwn(settings.inputs, name);
  const checked = new Set<InputName>();
  const refuse = (name: InputName, said: string) => {
    if (checked.has(name)) return;
    checked.add(name);
    const { kind, name: object, at } = settings.origin;
    reader.fail(
      name,
      `${said}, but ${kind} ${object} (${at}) sets it with ${settings.fields[name] ?? 'its strategy'}: the ${kind} decides this; remove the input`,
    );
  };
  const read = <T>(name: InputName, parse: (text: string, where: InputLocation) => T, fallback: T): T => {
    if (!provided(name)) return reader.read(name, parse, fallback);
    const value = settings.inputs[name] as T;
    if (reader.given(name)) {
      const said = reader.read<T | typeof NOT_PARSED>(name, parse, NOT_PARSED);
      if (said !== NOT_PARSED && !isDeepStrictEqual(said, value)) refuse(name, 'is given');
    }
    return value;
  };
  return {
    ...reader,
    given: (name) => provided(name) || reader.given(name),
    raw(name) {
      if (!provided(name)) return reader.raw(name);
      const value = String(settings.inputs[name]);
      if (reader.given(name) && reader.raw(name) !== value) refuse(name, `says '${reader.raw(name)}'`);
      return value;
    },
    read,
    optional: (name, parse) => read(name, parse, undefined),
  };
}

const NOT_PARSED = Symbol('not parsed');
