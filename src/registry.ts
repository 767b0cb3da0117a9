// A registry of named definitions (traffic routers, metric providers, strategies). Each is built
// once from its definition files, in its own index.ts, and read at call time by every module that
// derives something from it (config validation, the pre-flight, the Roles, action.yml's text).
// `register` is how a registry adds its own definitions and also the seam a test uses to add one:
// the test then sees all of those follow, with no other file touched.

export interface Registry<D extends { readonly name: string }> {
  /** What it holds, for messages ("traffic router"). */
  readonly what: string;
  /** Every definition, in registration order. */
  all(): readonly D[];
  names(): string[];
  find(name: string): D | undefined;
  /** The definition of `name`; an unknown name is a programming error here (config refuses it first). */
  get(name: string): D;
  /** Adds a definition (refused: a name, or what `conflict` finds, already taken). Returns its removal. */
  register(definition: D): () => void;
}

/**
 * `conflict` says why a definition cannot join the ones registered (an input name another one
 * uses already, say); undefined when it can.
 */
export function createRegistry<D extends { readonly name: string }>(
  what: string,
  definitions: readonly D[],
  conflict?: (definition: D, registered: readonly D[]) => string | undefined,
): Registry<D> {
  const list: D[] = [];
  const registry: Registry<D> = {
    what,
    all: () => list,
    names: () => list.map((d) => d.name),
    find: (name) => list.find((d) => d.name === name),
    get(name) {
      const found = registry.find(name);
      if (!found) throw new Error(`internal: no ${what} named '${name}' is registered`);
      return found;
    },
    register(definition) {
      const problem = registry.find(definition.name)
        ? `the name '${definition.name}' is taken`
        : conflict?.(definition, list);
      if (problem) throw new Error(`cannot register ${what} '${definition.name}': ${problem}`);
      list.push(definition);
      return () => {
        const at = list.indexOf(definition);
        if (at >= 0) list.splice(at, 1);
      };
    },
  };
  for (const definition of definitions) registry.register(definition);
  return registry;
}
