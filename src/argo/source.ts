/**
 * One Argo object being read: its problems (with the line of the field they are about) and the
 * notes for the log, collected so that every problem of every object is reported at once.
 */
import { InputError } from '../errors.ts';
import type { SourcedObject } from '../manifests/types.ts';
import { valueAt } from '../plain-values.ts';

export type FieldPath = readonly (string | number)[];

export interface ArgoFindings {
  errors: InputError[];
  notes: string[];
}

export class ArgoSource {
  constructor(
    readonly sourced: SourcedObject,
    private readonly findings: ArgoFindings,
  ) {}

  /** `Rollout web`. */
  get label(): string {
    return `${this.sourced.object.kind} ${this.sourced.object.metadata.name}`;
  }

  /** The line of `path` in the manifest (the document's own line when it is not known). */
  lineOf(path: FieldPath): number | undefined {
    for (let n = path.length; n > 0; n--) {
      const line = this.sourced.lineOf?.(path.slice(0, n));
      if (line !== undefined) return line;
    }
    return this.sourced.line;
  }

  where(path: FieldPath): { input: string; file: string; line?: number } {
    const line = this.lineOf(path);
    return { input: 'manifests', file: this.sourced.file, ...(line !== undefined ? { line } : {}) };
  }

  /** `<file>:<line>` of a field, for messages that name it beside an input. */
  at(path: FieldPath): string {
    const line = this.lineOf(path);
    return line !== undefined ? `${this.sourced.file}:${line}` : this.sourced.file;
  }

  fail(path: FieldPath, message: string): undefined {
    this.findings.errors.push(new InputError(`${this.label}: ${message}`, this.where(path)));
    return undefined;
  }

  note(message: string): void {
    this.findings.notes.push(`${this.label}: ${message}`);
  }

  /** The value at `path` of the object. */
  get(path: FieldPath): unknown {
    return valueAt(this.sourced.object, path);
  }
}
