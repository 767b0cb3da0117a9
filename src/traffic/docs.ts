// The `traffic` input's description in action.yml, derived from the router definitions so the
// docs list exactly the registered routers and what each needs (scripts/gen-readme-tables.mjs
// writes it; `npm run docs -- --check` fails when it drifts).
import type { StrategyName } from '../strategies/names.ts';
import { ROUTERS, defaultRouter } from './index.ts';
import type { RouterDefinition } from './types.ts';

const code = (text: string) => `\`${text}\``;

/** What the router needs from the user, e.g. "an Ingress (input `ingress`) and the app's Service". */
function needs(d: RouterDefinition): string {
  const parts: string[] = [];
  const target = d.target && `${article(d.target.kind)} ${d.target.kind} (input ${code(d.target.input)})`;
  if (target && d.target?.required) parts.push(target);
  if (d.needsService) parts.push("the app's Service");
  const needed = parts.length ? `; needs ${parts.join(' and ')}` : '';
  return target && !d.target?.required ? `${needed}; drives ${target} when one is given` : needed;
}

function article(word: string): string {
  return /^([AEIOU]|HTTP)/.test(word) ? 'an' : 'a';
}

function headerRoutes(d: RouterDefinition): string {
  const { headerRoutes, maxHeaderRoutes, weightsBetween } = d.capabilities;
  const parts: string[] = [];
  if (!weightsBetween) parts.push('weights 0 or 100 only');
  if (headerRoutes)
    parts.push(
      maxHeaderRoutes === Infinity
        ? 'header routes'
        : maxHeaderRoutes === 1
          ? 'one header route at a time'
          : `${maxHeaderRoutes} header routes at a time`,
    );
  if (!headerRoutes) parts.push('no header routes');
  return parts.length ? `; ${parts.join(', ')}` : '';
}

export function describeRouter(d: RouterDefinition): string {
  return `${code(d.name)} (${d.strategies.join(', ')}): ${d.summary}${needs(d)}${headerRoutes(d)}.`;
}

/** The description of the `traffic` input. */
export function trafficInputDescription(): string {
  const defaults = (['canary', 'blue-green'] as StrategyName[])
    .map((s) => `${code(defaultRouter(s))} for ${s}`)
    .join(' and ');
  const routers = Object.values(ROUTERS).map(describeRouter).join(' ');
  return `How traffic moves between versions (default: ${defaults}). ${routers}`;
}
