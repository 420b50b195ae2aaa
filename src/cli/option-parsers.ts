/** Commander argument parsers shared by the commands; bad values become exit 5 (BAD_OPTIONS). */
import * as fs from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../errors';

/** Repeatable option: collect every value. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Repeatable comma list (`-t a,b -t c`). */
export function collectList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

/** `-v`, `-vv`, ... up to 4. */
export function increaseVerbosity(_value: string, previous: number): number {
  return Math.min(4, previous + 1);
}

export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError(`"${value}" is not a positive integer.`);
  return Number(value);
}

export function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a non-negative integer.`);
  return Number(value);
}

export function seconds(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0)
    throw new InvalidArgumentError(`"${value}" is not a positive number of seconds.`);
  return Number(value);
}

/** A file option (`-F FILE`) must name a readable file when the command starts: exit 5, not a failure per host. */
export function checkReadableFile(flag: string, given: string, resolved: string): void {
  let why: string | undefined;
  try {
    if (!fs.statSync(resolved).isFile()) why = 'not a file';
    else fs.accessSync(resolved, fs.constants.R_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
  }
  if (why) throw new UsageError(`${flag} ${given}: ${why}`, { hint: `check the path (${resolved})` });
}
