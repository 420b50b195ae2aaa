/**
 * Host name ranges (`node[01:20]`, `db-[a:f]`, `web[1:10:2]`) and `host:port` parsing, as in Ansible's
 * `expand_hostname_range` and `parse_address`.
 */

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A range error; `offset` is the index in the pattern where the bad range starts. */
export class HostRangeError extends Error {
  constructor(
    message: string,
    public offset: number,
  ) {
    super(message);
  }
}

/** Does the name contain a `[x:y]` range? */
export function hasHostRange(name: string): boolean {
  return /\[[^\]]*:[^\]]*\]/.test(name);
}

/** Expand every `[beg:end(:step)]` range of a host pattern into the host names, in order. */
export function expandHostRange(pattern: string, base = 0): string[] {
  const open = pattern.indexOf('[');
  if (open < 0 || !hasHostRange(pattern)) return [pattern];
  const close = pattern.indexOf(']', open);
  if (close < 0) throw new HostRangeError(`unclosed '[' in host range "${pattern}"`, base + open);
  const head = pattern.slice(0, open);
  const body = pattern.slice(open + 1, close);
  const tail = pattern.slice(close + 1);
  const bounds = body.split(':');
  const at = base + open;
  if (bounds.length !== 2 && bounds.length !== 3)
    throw new HostRangeError(`host range must be begin:end or begin:end:step, got "[${body}]"`, at);
  const beg = bounds[0] || '0';
  const end = bounds[1]!;
  const stepText = bounds[2] ?? '1';
  if (!end) throw new HostRangeError(`host range "[${body}]" must specify an end value`, at);
  if (!/^[1-9]\d*$/.test(stepText))
    throw new HostRangeError(`host range step must be a positive integer, got "${stepText}"`, at);
  const step = Number(stepText);
  let seq: string[];
  const ib = LETTERS.indexOf(beg);
  const ie = LETTERS.indexOf(end);
  if (beg.length === 1 && end.length === 1 && ib >= 0 && ie >= 0) {
    if (ib > ie) throw new HostRangeError(`host range "[${body}]" must have begin <= end`, at);
    seq = [];
    for (let k = ib; k <= ie; k += step) seq.push(LETTERS[k]!);
  } else {
    if (!/^\d+$/.test(beg) || !/^\d+$/.test(end))
      throw new HostRangeError(
        `host range "[${body}]" must be numeric ([01:20]) or single letters ([a:f])`,
        at,
      );
    const width = beg[0] === '0' && beg.length > 1 ? beg.length : 0;
    if (width && width !== end.length)
      throw new HostRangeError(`host range "[${body}]" must use equal-length begin and end formats`, at);
    const b = Number(beg);
    const e = Number(end);
    if (b > e) throw new HostRangeError(`host range "[${body}]" must have begin <= end`, at);
    if ((e - b) / step > 100000)
      throw new HostRangeError(`host range "[${body}]" expands to too many hosts`, at);
    seq = [];
    for (let k = b; k <= e; k += step) seq.push(width ? String(k).padStart(width, '0') : String(k));
  }
  const out: string[] = [];
  for (const s of seq) {
    const name = head + s + tail;
    // offsets of later ranges point back into the original pattern
    const tailBase = base + (close + 1 - open) - s.length;
    out.push(...expandHostRange(name, tailBase));
  }
  return out;
}

/**
 * Split `host:port` (and `[v6addr]:port`); a bare IPv6 address has no port. The host part may still
 * contain ranges. Returns port undefined when none was given.
 */
export function splitHostPort(token: string): { host: string; port?: number } {
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(token);
  if (v6 && v6[1]!.split(':').length > 2) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : undefined };
  // colons outside brackets
  const outside = token.replace(/\[[^\]]*\]/g, (m) => 'x'.repeat(m.length));
  const colons = [...outside].filter((c) => c === ':').length;
  if (colons === 1) {
    const idx = outside.indexOf(':');
    const port = token.slice(idx + 1);
    if (/^\d+$/.test(port)) return { host: token.slice(0, idx), port: Number(port) };
  }
  return { host: token };
}
