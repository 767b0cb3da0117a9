// The inputs file of `npm run local`: a YAML mapping of action inputs, as a workflow's `with:`
// would give them. Lists and mappings (`steps`, `analysis`) may be written as YAML; they reach the
// action as the YAML text the runner would pass. An unknown input is an error naming the file and
// line, before anything runs.
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { parseYamlInput } from '../src/config/yaml-source.ts';
import { inputNames } from '../src/config/inputs.ts';
import { InputError, InputErrors } from '../src/errors.ts';

const known = new Set<string>(inputNames());

/** The value as the runner passes an input: text (YAML for lists and mappings). */
function asInputText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return stringify(value);
  return String(value);
}

/** Reads `path` (named `shown` in errors); throws InputError(s) naming the file and line. */
export function readInputsFile(path: string, shown = path): Record<string, string> {
  const source = parseYamlInput(readFileSync(path, 'utf8'), shown);
  const value = source.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new InputError('the inputs file must be a mapping of input names to values', {
      file: shown,
      line: 1,
    });
  const errors: InputError[] = [];
  const inputs: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (!known.has(name)) {
      errors.push(
        new InputError(`unknown input '${name}' (the action's inputs are listed in action.yml)`, {
          file: shown,
          line: source.lineOf(value, name),
        }),
      );
      continue;
    }
    inputs[name] = asInputText(v);
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length) throw new InputErrors(errors);
  return inputs;
}
