/**
 * Python semantics for the operators nunjucks compiles to plain JavaScript: `+` joins lists, `*` repeats
 * strings and lists, `==` compares lists and dicts by value, truthiness of `[]`/`{}` is false (`not`, `if`,
 * `and`/`or` — which also keep Python's short-circuit and "return the deciding operand" behaviour).
 */
import { pyPercent } from './py-format';
import { isDict, pyCompare, pyEqual, truthy } from './values';

export function pyAdd(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (Array.isArray(a) || Array.isArray(b))
    throw new Error('can only concatenate list (not another type) to list');
  if (isDict(a) || isDict(b))
    throw new Error("unsupported operand type for +: 'dict' (use the combine filter)");
  return (a as number) + (b as number);
}

/** `'%s:%s' % (a, b)` formats as Python does (py-format); numbers take Python's modulo (the sign of the divisor). */
export function pyMod(a: unknown, b: unknown): unknown {
  if (typeof a === 'string') return pyPercent(a, b);
  const x = a as number;
  const y = b as number;
  if (y === 0) throw new Error('integer division or modulo by zero');
  return ((x % y) + y) % y;
}

export function pyMul(a: unknown, b: unknown): unknown {
  const times = (n: unknown) => Math.max(0, Math.trunc(Number(n)));
  if (typeof a === 'string' && typeof b === 'number') return a.repeat(times(b));
  if (typeof b === 'string' && typeof a === 'number') return b.repeat(times(a));
  if (Array.isArray(a) && typeof b === 'number') return Array.from({ length: times(b) }, () => a).flat(1);
  return (a as number) * (b as number);
}

function compareOne(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
    case '===':
      return pyEqual(a, b);
    case '!=':
    case '!==':
      return !pyEqual(a, b);
    default: {
      const c =
        Array.isArray(a) || Array.isArray(b) || (typeof a === 'string' && typeof b === 'string')
          ? pyCompare(a, b)
          : (a as number) < (b as number)
            ? -1
            : (a as number) > (b as number)
              ? 1
              : (a as number) === (b as number)
                ? 0
                : NaN;
      if (op === '<') return c < 0;
      if (op === '>') return c > 0;
      if (op === '<=') return c <= 0;
      if (op === '>=') return c >= 0;
      throw new Error(`unknown comparison ${op}`);
    }
  }
}

/** `a < b <= c`: __rm_cmp(a, '<', b, '<=', c), chained like Python. */
export function pyCompareChain(first: unknown, ...rest: unknown[]): boolean {
  let left = first;
  for (let i = 0; i < rest.length; i += 2) {
    const right = rest[i + 1];
    if (!compareOne(left, String(rest[i]), right)) return false;
    left = right;
  }
  return true;
}

/**
 * A stack for `and`/`or`: the left operand is evaluated once, kept, tested for truthiness, then taken back
 * as the result or dropped. Rendering is synchronous, so one stack per Templar is enough.
 */
export class OperandStack {
  private stack: unknown[] = [];
  keep = (v: unknown): boolean => {
    this.stack.push(v);
    return truthy(v);
  };
  take = (): unknown => this.stack.pop();
  /** Evaluate both, return the second (drops the kept operand before the right side is used). */
  second = (_dropped: unknown, v: unknown): unknown => v;
  get depth(): number {
    return this.stack.length;
  }
  truncate(depth: number): void {
    this.stack.length = depth;
  }
}
