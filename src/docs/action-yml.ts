// Writes the registry-derived text (src/docs/action-text.ts) into action.yml's text, touching only
// those descriptions: the rest of the file is the maintainers' own. Quoted as Prettier writes YAML
// with `singleQuote` (double quotes when the text holds an apostrophe).
import { declaredInputs, strategyInputDescription, trafficInputDescription } from './action-text.ts';

function quoted(text: string): string {
  return text.includes("'") ? JSON.stringify(text) : `'${text}'`;
}

const QUOTED = String.raw`(?:'(?:[^']|'')*'|"(?:[^"\\]|\\.)*")`;

function descriptionPattern(input: string): RegExp {
  const name = input.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(String.raw`(\n {2}${name}:\n {4}description: )${QUOTED}`);
}

/** `text` with input `input`'s description set; an input action.yml lacks is added at the end of `inputs`. */
function withDescription(text: string, input: string, description: string): string {
  const pattern = descriptionPattern(input);
  if (pattern.test(text)) return text.replace(pattern, (_m, head: string) => head + quoted(description));
  const end = text.indexOf('\noutputs:');
  if (end < 0) throw new Error('action.yml has no `outputs:` after its inputs');
  const block = `\n  ${input}:\n    description: ${quoted(description)}\n    required: false`;
  return text.slice(0, end) + block + text.slice(end);
}

/** action.yml's text with every registry-derived description regenerated. */
export function generateActionText(text: string): string {
  const generated = [
    { name: 'strategy', description: strategyInputDescription() },
    { name: 'traffic', description: trafficInputDescription() },
    ...declaredInputs(),
  ];
  return generated.reduce((next, input) => withDescription(next, input.name, input.description), text);
}
