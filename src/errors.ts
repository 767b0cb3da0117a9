/** Where a bad value came from, so the error and the workflow annotation can point at it. */
export interface InputLocation {
  /** action.yml input name, e.g. `steps` or `max-surge`. */
  input?: string;
  /** Manifest file path (relative to the workspace when possible). */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  column?: number;
}

/**
 * Invalid input or manifests. Raised before anything is written to the cluster; main turns it
 * into a failed step and a workflow annotation on the file and line.
 */
export class InputError extends Error {
  readonly location: InputLocation;
  constructor(message: string, location: InputLocation = {}) {
    super(formatLocated(message, location));
    this.name = 'InputError';
    this.location = location;
  }
}

export function formatLocated(message: string, loc: InputLocation): string {
  const where: string[] = [];
  // Without a file, a line is a line of the input's own text (the `steps` or `analysis` YAML).
  if (loc.input) where.push(`input '${loc.input}'${!loc.file && loc.line ? ` line ${loc.line}` : ''}`);
  if (loc.file) where.push(loc.line ? `${loc.file}:${loc.line}` : loc.file);
  return where.length ? `${where.join(', ')}: ${message}` : message;
}

/** Several input errors found in one pass, reported together. */
export class InputErrors extends InputError {
  readonly errors: InputError[];
  constructor(errors: InputError[]) {
    super('', errors[0]?.location ?? {});
    // Each message already names its own input, file and line.
    this.message = errors.map((e) => e.message).join('\n');
    this.name = 'InputErrors';
    this.errors = errors;
  }
}

/**
 * The values of checks run side by side, or their problems: every InputError of every check in one
 * InputErrors (in the order of the checks), else the first other failure.
 */
export function allOrInputErrors<T extends readonly unknown[]>(results: {
  [K in keyof T]: PromiseSettledResult<T[K]>;
}): T {
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const inputs = failures.flatMap((e) =>
    e instanceof InputErrors ? e.errors : e instanceof InputError ? [e] : [],
  );
  if (inputs.length === 1) throw inputs[0];
  if (inputs.length) throw new InputErrors(inputs);
  if (failures.length) throw failures[0];
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** The lock on the app is held by another run for longer than `lock-timeout`. */
export class LockTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockTimeoutError';
  }
}

/**
 * This run no longer holds the release's Lease (it could not renew it in time, or another run
 * took it over): it must stop writing at once, leaving the release to the new holder.
 */
export class LockLostError extends Error {
  readonly release: string;
  readonly newHolder?: string;
  constructor(release: string, newHolder?: string) {
    super(
      `lost the lock of release "${release}"${newHolder ? ` to ${newHolder}` : ''}: this run stopped changing the cluster and left the release to ${newHolder ? 'that run' : 'the next run'}`,
    );
    this.name = 'LockLostError';
    this.release = release;
    this.newHolder = newHolder;
  }
}

/** The release state changed under this run (another run wrote it): it must not overwrite it. */
export class StateConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateConflictError';
  }
}

/**
 * The release state ConfigMap exists but cannot be read as a release (its key removed, its JSON
 * unparseable, another schema): edited or truncated by hand. Never "another run": nothing of a
 * run is in it. `resourceVersion` lets the run that recovers write over exactly this version.
 */
export class StateDamagedError extends Error {
  readonly configMap: string;
  readonly namespace: string;
  readonly problem: string;
  readonly resourceVersion: string;
  constructor(where: { configMap: string; namespace: string; resourceVersion: string }, problem: string) {
    super(
      `the release state is damaged: ConfigMap ${where.configMap} in ${where.namespace}, ${problem}. ` +
        `Run \`action: rollback\` to return to stable from the cluster (the copies and routes carry their ` +
        `release's labels), or delete ConfigMap ${where.configMap} to start afresh`,
    );
    this.name = 'StateDamagedError';
    this.configMap = where.configMap;
    this.namespace = where.namespace;
    this.problem = problem;
    this.resourceVersion = where.resourceVersion;
  }
}
