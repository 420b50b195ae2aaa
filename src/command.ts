/**
 * Commands are data. `sh` is a tagged template that shell-quotes every interpolation; `secret()` wraps a
 * value that is passed to the target verbatim but prints as `***` everywhere (logs, events, errors).
 */

const SECRET = Symbol('remediate.secret');

export interface Secret {
  readonly [SECRET]: true;
  /** The real value. Only transports call this, when building what goes over the wire. */
  reveal(): string;
  toString(): string;
  toJSON(): string;
}

export function secret(value: string): Secret {
  return {
    [SECRET]: true,
    reveal: () => value,
    toString: () => '***',
    toJSON: () => '***',
  };
}

export function isSecret(v: unknown): v is Secret {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[SECRET] === true;
}

/** POSIX shell single-quote a string (empty string becomes ''). */
export function quote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_\-+=.,:/@%^]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A shell command line to run with `/bin/sh -c` on a target. */
export interface ExecCommand {
  kind: 'exec';
  /** The exact script sent to the target (secrets revealed). Never log this. */
  script: string;
  /** The same script with secrets masked as `***`: the only form that may be displayed. */
  display: string;
}

/** Upload content to a path, atomically (temp file in the same directory, then rename). */
export interface UploadCommand {
  kind: 'upload';
  dest: string;
  content: Buffer;
  mode?: number;
  owner?: string;
  group?: string;
  /** Masks the content in diffs and logs. */
  secret?: boolean;
}

/** Download a file from the target. */
export interface FetchCommand {
  kind: 'fetch';
  src: string;
}

export type Command = ExecCommand | UploadCommand | FetchCommand;

/** A piece of shell that is inserted verbatim by `sh` (an operator like `&&`, a redirection...). */
export interface RawShell {
  readonly raw: string;
}
export function raw(s: string): RawShell {
  return { raw: s };
}
function isRaw(v: unknown): v is RawShell {
  return typeof v === 'object' && v !== null && typeof (v as RawShell).raw === 'string' && !isSecret(v);
}

type Interp = string | number | Secret | RawShell | ExecCommand | readonly (string | number | Secret)[];

function render(v: Interp, reveal: boolean): string {
  if (Array.isArray(v)) return v.map((x) => render(x as Interp, reveal)).join(' ');
  if (isSecret(v)) return reveal ? quote(v.reveal()) : '***';
  if (typeof v === 'object' && v !== null && (v as ExecCommand).kind === 'exec') {
    return reveal ? (v as ExecCommand).script : (v as ExecCommand).display;
  }
  if (isRaw(v)) return v.raw;
  return quote(String(v));
}

/**
 * Build an ExecCommand: `sh\`openssl x509 -in ${path} -noout\``. Strings and numbers are quoted, arrays
 * become several quoted words, `raw()` is inserted as is, a nested ExecCommand is inserted as is.
 */
export function sh(strings: TemplateStringsArray, ...values: Interp[]): ExecCommand {
  let script = strings[0]!;
  let display = strings[0]!;
  values.forEach((v, i) => {
    script += render(v, true) + strings[i + 1]!;
    display += render(v, false) + strings[i + 1]!;
  });
  return execCommand(script, display);
}

/**
 * Make an ExecCommand whose revealed `script` is not enumerable: JSON.stringify, util.inspect and object
 * spreads (events, journals) only ever see `display`.
 */
export function execCommand(script: string, display: string): ExecCommand {
  const cmd = { kind: 'exec' as const, display } as ExecCommand;
  Object.defineProperty(cmd, 'script', { value: script, enumerable: false });
  return cmd;
}

/** A command from argv: every word quoted. */
export function argv(words: readonly (string | number | Secret)[]): ExecCommand {
  return sh`${words}`;
}

/** A free-form shell script (the `shell` and `raw` modules): sent as is. */
export function script(text: string): ExecCommand {
  return execCommand(text, text);
}
