/**
 * Split `command`'s free form into words as Ansible does: Python's `shlex.split` (posix, no comments), the
 * one splitter in src/shlex.ts. No expansion of any kind: `$(...)`, `*`, `~` stay literal words.
 */
import { ModuleError } from '../errors';
import { ShlexError, shlexWords } from '../shlex';

export function shellWords(line: string): string[] {
  try {
    return shlexWords(line);
  } catch (err) {
    if (err instanceof ShlexError)
      throw new ModuleError(`cannot split the command line: ${err.message} in: ${line}`);
    throw err;
  }
}
