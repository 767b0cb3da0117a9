/**
 * YAML text of an input (`steps`, `analysis`) turned into plain JS values that remember the line
 * each mapping, list and key came from, so validation can point at the offending line.
 */
import { InputError } from '../errors.ts';
import { parseYaml } from '../yaml.ts';

export interface YamlSource {
  input: string;
  value: unknown;
  /** Line of a mapping or list, or of one of its keys / items. */
  lineOf(container: unknown, key?: string | number): number | undefined;
}

/** One YAML 1.2 document; a syntax error, a duplicate key or a second document names its line. */
export function parseYamlInput(text: string, input: string): YamlSource {
  const [doc, second] = parseYaml(text, 'core', { input });
  if (second)
    throw new InputError('invalid YAML: holds more than one document (a line of `---`)', {
      input,
      line: second.line,
    });
  return { input, value: doc?.value ?? null, lineOf: (container, key) => doc?.lineOf(container, key) };
}
