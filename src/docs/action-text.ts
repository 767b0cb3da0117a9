// action.yml's text for what the registries define: the `strategy` and `traffic` descriptions and
// the inputs routers and metric providers declare (a target object's name, a run-wide setting).
// scripts/gen-readme-tables.mjs writes them; `npm run docs -- --check` fails when they drift. It
// composes the strategy, router and provider registries, so it lives above all three.
import { providerSettings } from '../analysis/providers/index.ts';
import { defaultRouter, STRATEGIES, strategiesFor } from '../strategies/index.ts';
import { ROUTERS, routeTargets } from '../traffic/index.ts';
import type { RouterDefinition } from '../traffic/types.ts';

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
  return `${code(d.name)} (${strategiesFor(d).join(', ')}): ${d.summary}${needs(d)}${headerRoutes(d)}.`;
}

/** The description of the `traffic` input. */
export function trafficInputDescription(): string {
  const defaults = STRATEGIES.all()
    .filter((s) => defaultRouter(s.name))
    .map((s) => `${code(defaultRouter(s.name)!)} for ${s.name}`)
    .join(' and ');
  const routers = ROUTERS.all().map(describeRouter).join(' ');
  return `How traffic moves between versions (default: ${defaults}). ${routers}`;
}

/** The description of the `strategy` input. */
export function strategyInputDescription(): string {
  return STRATEGIES.all()
    .map((s) => `${code(s.name)}: ${s.summary}.`)
    .join(' ');
}

/** An input a registry declares, as action.yml lists it (none has a default). */
export interface DeclaredInput {
  name: string;
  description: string;
}

/** The inputs the routers (their target object) and metric providers (run-wide settings) declare. */
export function declaredInputs(): DeclaredInput[] {
  return [
    ...routeTargets().map((t) => ({
      name: t.input,
      description: `Name of the ${t.title} to drive when the manifests hold more than one.`,
    })),
    ...providerSettings().map((s) => ({ name: s.input, description: s.description })),
  ];
}
