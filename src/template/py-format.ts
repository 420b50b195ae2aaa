/**
 * Python's printf-style string formatting (`'%s-%02d' % (a, b)`, `'%(n)s' % d`, Jinja2's `format` filter),
 * following CPython's `PyUnicode_Format`: a tuple gives the arguments, anything else is one argument (a
 * dict or list also serves `%(key)s` lookups and is never "not all converted"); flags `-+ #0`, `*` width and
 * precision, conversions `s r a c d i u o x X e E f F g G %`, and CPython's error texts. Floats are
 * rounded exactly (round-half-even on the double's exact decimal value), as CPython does.
 * Proved against python3 by test/template/golden/py-format.json.
 */
import { isDict, isPyTuple, pyRepr, pyStr, pyTypeName } from './values';

class PyFormatError extends Error {}

/** `fmt % args` as Python computes it. */
export function pyPercent(fmt: string, args: unknown): string {
  const tuple = Array.isArray(args) && isPyTuple(args);
  const list: unknown[] = tuple ? (args as unknown[]) : [args];
  // CPython takes anything with __getitem__ that is not a tuple or str as the mapping (dicts and lists).
  const mapping = !tuple && (isDict(args) || Array.isArray(args)) ? args : undefined;
  let argidx = tuple ? 0 : -2;
  const arglen = tuple ? list.length : -1;
  const next = (): unknown => {
    if (argidx < arglen) {
      argidx++;
      return arglen < 0 ? args : list[argidx - 1];
    }
    throw new PyFormatError('not enough arguments for format string');
  };
  const chars = [...fmt];
  let out = '';
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i++];
    if (ch !== '%') {
      out += ch;
      continue;
    }
    if (i >= chars.length) throw new PyFormatError('incomplete format');
    if (chars[i] === '%') {
      out += '%';
      i++;
      continue;
    }
    let value: unknown;
    let haveValue = false;
    if (chars[i] === '(') {
      let depth = 1;
      const start = ++i;
      while (i < chars.length && depth > 0) {
        if (chars[i] === ')') depth--;
        else if (chars[i] === '(') depth++;
        i++;
      }
      if (depth > 0) throw new PyFormatError('incomplete format key');
      const key = chars.slice(start, i - 1).join('');
      if (mapping === undefined) throw new PyFormatError('format requires a mapping');
      if (Array.isArray(mapping)) throw new PyFormatError('list indices must be integers or slices, not str');
      if (!Object.prototype.hasOwnProperty.call(mapping, key)) throw new PyFormatError(pyRepr(key));
      value = (mapping as Record<string, unknown>)[key];
      haveValue = true;
    }
    let flags = '';
    while (i < chars.length && '-+ #0'.includes(chars[i])) flags += chars[i++];
    let width = -1;
    let prec = -1;
    const star = (): number => {
      const v = next();
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new PyFormatError('* wants int');
      return v;
    };
    if (chars[i] === '*') {
      i++;
      width = star();
      if (width < 0) {
        flags += '-';
        width = -width;
      }
    } else {
      let w = '';
      while (i < chars.length && /[0-9]/.test(chars[i])) w += chars[i++];
      if (w) width = Number(w);
    }
    if (chars[i] === '.') {
      i++;
      if (chars[i] === '*') {
        i++;
        prec = Math.max(0, star());
      } else {
        let p = '';
        while (i < chars.length && /[0-9]/.test(chars[i])) p += chars[i++];
        prec = p ? Number(p) : 0;
      }
    }
    while (i < chars.length && 'hlL'.includes(chars[i])) i++;
    if (i >= chars.length) throw new PyFormatError('incomplete format');
    const convAt = i;
    const conv = chars[i++];
    if (!haveValue) value = next();
    out += convert(conv, convAt, value, flags, width, prec);
  }
  if (argidx < arglen && mapping === undefined)
    throw new PyFormatError('not all arguments converted during string formatting');
  return out;
}

function convert(conv: string, at: number, v: unknown, flags: string, width: number, prec: number): string {
  const left = flags.includes('-');
  const zero = flags.includes('0') && !left;
  const pad = (body: string, sign: string, numeric: boolean): string => {
    const len = [...sign].length + [...body].length;
    if (width <= len) return sign + body;
    if (left) return sign + body + ' '.repeat(width - len);
    if (zero && numeric) return sign + '0'.repeat(width - len) + body;
    return ' '.repeat(width - len) + sign + body;
  };
  const sign = (neg: boolean) => (neg ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '');
  switch (conv) {
    case 's':
    case 'r':
    case 'a': {
      let s = conv === 's' ? pyStr(v) : conv === 'r' ? pyRepr(v) : pyAscii(pyRepr(v));
      if (prec >= 0) s = [...s].slice(0, prec).join('');
      return pad(s, '', false);
    }
    case 'c': {
      let s: string;
      if (typeof v === 'string' && [...v].length === 1) s = v;
      else if (typeof v === 'number' && Number.isInteger(v)) {
        if (v < 0 || v > 0x10ffff) throw new PyFormatError('%c arg not in range(0x110000)');
        s = String.fromCodePoint(v);
      } else if (typeof v === 'boolean') s = String.fromCodePoint(v ? 1 : 0);
      else throw new PyFormatError('%c requires int or char');
      return pad(s, '', false);
    }
    case 'd':
    case 'i':
    case 'u':
    case 'o':
    case 'x':
    case 'X': {
      let n: bigint;
      if (typeof v === 'boolean') n = v ? 1n : 0n;
      else if (typeof v === 'bigint') n = v;
      else if (typeof v === 'number' && Number.isFinite(v)) {
        if (!Number.isInteger(v) && 'oxX'.includes(conv))
          throw new PyFormatError(`%${conv} format: an integer is required, not float`);
        n = BigInt(Math.trunc(v));
      } else if (typeof v === 'number') {
        if ('oxX'.includes(conv))
          throw new PyFormatError(`%${conv} format: an integer is required, not float`);
        throw new PyFormatError(
          Number.isNaN(v)
            ? 'cannot convert float NaN to integer'
            : 'cannot convert float infinity to integer',
        );
      } else {
        const what = 'oxX'.includes(conv) ? 'an integer' : 'a real number';
        throw new PyFormatError(`%${conv} format: ${what} is required, not ${pyTypeName(v)}`);
      }
      const neg = n < 0n;
      const abs = neg ? -n : n;
      let digits = abs.toString(conv === 'o' ? 8 : conv === 'x' || conv === 'X' ? 16 : 10);
      if (conv === 'X') digits = digits.toUpperCase();
      if (prec > digits.length) digits = '0'.repeat(prec - digits.length) + digits;
      const prefix = flags.includes('#')
        ? conv === 'o'
          ? '0o'
          : conv === 'x'
            ? '0x'
            : conv === 'X'
              ? '0X'
              : ''
        : '';
      return pad(digits, sign(neg) + prefix, true);
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      let x: number;
      if (typeof v === 'number') x = v;
      else if (typeof v === 'boolean') x = v ? 1 : 0;
      else throw new PyFormatError(`must be real number, not ${pyTypeName(v)}`);
      const upper = conv === 'E' || conv === 'F' || conv === 'G';
      const neg = x < 0 || Object.is(x, -0);
      let body: string;
      if (!Number.isFinite(x)) body = Number.isNaN(x) ? 'nan' : 'inf';
      else
        body = formatFloat(
          Math.abs(x),
          conv.toLowerCase() as 'e' | 'f' | 'g',
          prec < 0 ? 6 : prec,
          flags.includes('#'),
        );
      if (upper) body = body.toUpperCase();
      return pad(body, sign(neg && !Number.isNaN(x)), true);
    }
    default: {
      const code = conv.codePointAt(0)!;
      throw new PyFormatError(
        `unsupported format character ${pyRepr(conv)} (0x${code.toString(16)}) at index ${at}`,
      );
    }
  }
}

/** The exact value of a finite double >= 0 as digits / 10^scale. */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  if (x === 0) return { digits: 0n, scale: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp: number;
  if (expBits === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = expBits - 1075;
  }
  if (exp >= 0) return { digits: mant << BigInt(exp), scale: 0 };
  return { digits: mant * 5n ** BigInt(-exp), scale: -exp };
}

/** n / 10^k rounded half to even. */
function roundDiv(n: bigint, k: number): bigint {
  if (k <= 0) return n * 10n ** BigInt(-k);
  const d = 10n ** BigInt(k);
  const q = n / d;
  const r = n % d;
  const twice = r * 2n;
  if (twice > d || (twice === d && q % 2n === 1n)) return q + 1n;
  return q;
}

function fixed(x: number, prec: number, alt: boolean): string {
  const { digits, scale } = exactDecimal(x);
  const r = roundDiv(digits, scale - prec)
    .toString()
    .padStart(prec + 1, '0');
  const int = r.slice(0, r.length - prec);
  const frac = r.slice(r.length - prec);
  return prec > 0 ? `${int}.${frac}` : alt ? `${int}.` : int;
}

/** Mantissa digits (prec + 1 of them) and decimal exponent of x rounded to prec + 1 significant digits. */
function scientific(x: number, prec: number): { m: string; exp: number } {
  const { digits, scale } = exactDecimal(x);
  if (digits === 0n) return { m: '0'.repeat(prec + 1), exp: 0 };
  const len = digits.toString().length;
  let exp = len - 1 - scale;
  let r = roundDiv(digits, len - (prec + 1));
  if (r.toString().length > prec + 1) {
    r /= 10n;
    exp += 1;
  }
  return { m: r.toString(), exp };
}

function expString(exp: number): string {
  return (exp < 0 ? 'e-' : 'e+') + String(Math.abs(exp)).padStart(2, '0');
}

function formatFloat(x: number, conv: 'e' | 'f' | 'g', prec: number, alt: boolean): string {
  if (conv === 'f') return fixed(x, prec, alt);
  if (conv === 'e') {
    const { m, exp } = scientific(x, prec);
    const mant = prec > 0 ? `${m[0]}.${m.slice(1)}` : alt ? `${m}.` : m;
    return mant + expString(exp);
  }
  const p = prec === 0 ? 1 : prec;
  const { exp } = scientific(x, p - 1);
  let s: string;
  if (exp >= -4 && exp < p) s = fixed(x, p - 1 - exp, alt);
  else {
    const { m } = scientific(x, p - 1);
    s = (p > 1 ? `${m[0]}.${m.slice(1)}` : alt ? `${m}.` : m) + expString(exp);
  }
  if (!alt) {
    const at = s.indexOf('e');
    let mant = at < 0 ? s : s.slice(0, at);
    const tail = at < 0 ? '' : s.slice(at);
    if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
    s = mant + tail;
  }
  return s;
}

/** Python's ascii(): a repr with every non-ASCII character escaped. */
export function pyAscii(repr: string): string {
  let out = '';
  for (const ch of repr) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out += ch;
    else if (c < 0x100) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c < 0x10000) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += '\\U' + c.toString(16).padStart(8, '0');
  }
  return out;
}
