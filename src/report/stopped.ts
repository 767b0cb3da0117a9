/**
 * The report of a run that ended without a release record: refused before any write (bad inputs
 * or manifests, pre-flight, a lock held too long, an API it could not reach) or cancelled before
 * it began. It says what stopped the run and with which inputs. Pure: same facts, same text.
 */
import { escapeCell, escapeInline, inlineCode } from './escape.ts';

export interface StoppedRun {
  /** The release's name when known, else the step's action. */
  app?: string;
  action?: string;
  /** `refused` (nothing written), `cancelled` (before the release began), `stopped` (unknown). */
  kind: 'refused' | 'cancelled' | 'stopped';
  /** One per problem: the message already names its input, file and line. */
  problems: string[];
  /** The inputs as given (secrets must already be left out or masked). */
  inputs: Record<string, string>;
}

const TITLE: Record<StoppedRun['kind'], string> = {
  refused: '❌ Refused before any change',
  cancelled: '⏹️ Cancelled before any change',
  stopped: '❌ Stopped',
};

const MAX_INPUT_VALUE = 200;

export function renderStoppedRun(run: StoppedRun): string {
  const who = run.app ? `: ${escapeInline(run.app, 100)}` : '';
  const lines = [`## ${TITLE[run.kind]}${who}`, ''];
  if (run.action) lines.push(`\`action: ${escapeInline(run.action, 20)}\``, '');
  if (run.problems.length) {
    lines.push(run.problems.length === 1 ? '**Problem**' : `**${run.problems.length} problems**`, '');
    for (const p of run.problems) lines.push(`- ${escapeInline(p, 2000)}`);
    lines.push('');
  }
  const given = Object.entries(run.inputs).filter(([, v]) => v !== '');
  if (given.length) {
    lines.push('<details><summary>Inputs of this run</summary>', '', '| input | value |', '|---|---|');
    for (const [k, v] of given) lines.push(`| \`${escapeCell(k)}\` | ${inlineCode(v, MAX_INPUT_VALUE)} |`);
    lines.push('', '</details>', '');
  }
  return lines.join('\n');
}
