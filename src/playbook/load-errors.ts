/**
 * Collecting load errors: the loader carries on after a bad task (or play keyword) where that is safe, so
 * `remediate validate` names every problem of a file at once, like a compiler, up to MAX_LOAD_ERRORS.
 */
import { PlaybookError } from '../errors';

export const MAX_LOAD_ERRORS = 20;

/** Several located problems; `loc` and the first line are the first problem's. */
export class PlaybookErrors extends PlaybookError {
  constructor(
    readonly errors: PlaybookError[],
    readonly truncated = false,
  ) {
    super(
      errors.map((e) => (e.hint ? `${e.message}\n  hint: ${e.hint}` : e.message)).join('\n') +
        (truncated ? `\n(stopped after ${errors.length} errors)` : ''),
    );
    this.loc = errors[0].loc;
  }
}

/** The problems found so far while loading one playbook or task file. */
export class LoadErrors {
  readonly errors: PlaybookError[] = [];
  /** Located notes on things that work but are likely mistakes (`when: "{{ x }}"`). */
  readonly warnings: string[] = [];

  /** Record a PlaybookError and carry on (undefined); anything else, or the cap reached, is thrown. */
  add(e: unknown): undefined {
    if (e instanceof PlaybookErrors || !(e instanceof PlaybookError)) throw e;
    this.errors.push(e);
    if (this.errors.length >= MAX_LOAD_ERRORS) throw new PlaybookErrors(this.errors, true);
    return undefined;
  }

  /** Run `fn`; a PlaybookError it throws is recorded and `fallback` returned instead. */
  async attempt<T>(fn: () => Promise<T> | T, fallback: T): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      this.add(e);
      return fallback;
    }
  }

  /** Throw what was found: the error itself when there is one, PlaybookErrors when there are more. */
  throwIfAny(): void {
    if (this.errors.length === 1) throw this.errors[0];
    if (this.errors.length > 1) throw new PlaybookErrors(inReadingOrder(this.errors));
  }
}

/** Files in the order they were first named, and each file's problems by line and column. */
function inReadingOrder(errors: PlaybookError[]): PlaybookError[] {
  const files = [...new Set(errors.map((e) => e.loc?.file ?? ''))];
  const key = (e: PlaybookError) => [files.indexOf(e.loc?.file ?? ''), e.loc?.line ?? 0, e.loc?.col ?? 0];
  return errors
    .map((e, i) => ({ e, i, k: key(e) }))
    .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.k[2] - b.k[2] || a.i - b.i)
    .map((x) => x.e);
}
