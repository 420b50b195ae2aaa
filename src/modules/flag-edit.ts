/**
 * Pure editing of a command-line flag (`--name=value`) where systemd units, drop-ins and flag
 * (environment) files keep it: `ExecStart=/usr/bin/kubelet --cluster-dns=…`, `Environment="X=--flag=…"`,
 * `KUBELET_ARGS="--flag=…"`. Only the value's bytes change; comment lines (`#`, `;`), other lines, quoting,
 * line endings and continuation lines are kept byte for byte. Lines are read the way systemd reads them:
 * `[Section]` headers, `Key=value` lines, a trailing backslash continuing the logical line (the key of a
 * continued line is the key its logical line started with).
 */

export interface FlagEditArgs {
  /** `--cluster-dns` (must start with `--`). */
  flag: string;
  /** New value of every occurrence. */
  value?: string;
  /** Or: replace this substring of the current value ... */
  search?: string;
  /** ... with this. */
  replace?: string;
  /** Only in this `[Section]` (e.g. `Service`). */
  section?: string;
  /** Only on lines of this key (`ExecStart`, `Environment`, `KUBELET_ARGS`). */
  key?: string;
}

export interface FlagOccurrence {
  /** 1-based physical line. */
  line: number;
  section: string;
  key: string;
  before: string;
  after: string;
}

export interface FlagEdit {
  content: string;
  changed: boolean;
  occurrences: FlagOccurrence[];
}

export const FLAG_NAME = /^--[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** A value that stays one shell/systemd word: no whitespace, quotes, backslashes or `$`. */
export const FLAG_VALUE = /^[^\s"'\\$`]*$/;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function editFlag(text: string, a: FlagEditArgs): FlagEdit {
  if (!FLAG_NAME.test(a.flag)) throw new Error(`flag ${JSON.stringify(a.flag)} is not a --name`);
  if ((a.value === undefined) === (a.search === undefined))
    throw new Error('give either value, or search and replace');
  const next = (old: string): string =>
    a.value !== undefined ? a.value : old.split(a.search!).join(a.replace ?? '');
  for (const v of [a.value, a.replace]) {
    if (v !== undefined && !FLAG_VALUE.test(v))
      throw new Error(`value ${JSON.stringify(v)} would not stay one word (no spaces, quotes, \\ or $)`);
  }
  // the flag where a word starts: line start, whitespace, a quote, or `=` (Environment="X=--flag=v")
  const re = new RegExp(`(^|[\\s"'=])(${escapeRe(a.flag)}=)([^\\s"'\\\\]*)`, 'g');
  const parts = text.split(/(\r?\n)/);
  const occurrences: FlagOccurrence[] = [];
  let section = '';
  let key = '';
  let continued = false;
  for (let i = 0; i < parts.length; i += 2) {
    const line = parts[i]!;
    const lineNo = i / 2 + 1;
    const trimmed = line.trimStart();
    const wasContinued = continued;
    continued = /\\$/.test(line) && !/^[#;]/.test(trimmed);
    if (!wasContinued) {
      if (trimmed === '' || /^[#;]/.test(trimmed)) continue;
      const sec = /^\[([^\]]+)\]\s*$/.exec(trimmed);
      if (sec) {
        section = sec[1]!;
        continue;
      }
      const k = /^([A-Za-z_][A-Za-z0-9_.-]*)\s*=/.exec(trimmed);
      key = k ? k[1]! : '';
    } else if (/^[#;]/.test(trimmed)) continue;
    if (a.section !== undefined && section !== a.section) continue;
    if (a.key !== undefined && key !== a.key) continue;
    parts[i] = line.replace(re, (_m, lead: string, name: string, old: string) => {
      const val = next(old);
      occurrences.push({ line: lineNo, section, key, before: old, after: val });
      return lead + name + val;
    });
  }
  const content = parts.join('');
  return { content, changed: content !== text, occurrences };
}
