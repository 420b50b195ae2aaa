/**
 * The subset of kubectl's JSONPath the lab's kubectl stand-in understands: `{.a.b}`, `[*]`, `[N]`,
 * `['key']`, `[?(@.k=="v")]`, `{range ...}...{end}`, quoted literals `{"\n"}`. Self-contained (no imports,
 * no outer references): it is serialised with Function.prototype.toString into the stand-in script.
 */
export function jsonpath(root: unknown, template: string): string {
  type Node = { lit: string } | { path: string } | { range: string; body: Node[] };
  const parse = (src: string): Node[] => {
    const out: Node[] = [];
    const stack: Node[][] = [out];
    const ranges: { range: string; body: Node[] }[] = [];
    let i = 0;
    while (i < src.length) {
      const open = src.indexOf('{', i);
      if (open < 0) {
        stack[stack.length - 1].push({ lit: src.slice(i) });
        break;
      }
      if (open > i) stack[stack.length - 1].push({ lit: src.slice(i, open) });
      let depth = 0;
      let j = open;
      let quote = '';
      for (; j < src.length; j++) {
        const c = src[j];
        if (quote) {
          if (c === '\\') j++;
          else if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '{') depth++;
        else if (c === '}' && --depth === 0) break;
      }
      const expr = src.slice(open + 1, j).trim();
      i = j + 1;
      if (expr.startsWith('range ')) {
        const r = { range: expr.slice(6).trim(), body: [] as Node[] };
        stack[stack.length - 1].push(r);
        ranges.push(r);
        stack.push(r.body);
      } else if (expr === 'end') {
        if (stack.length === 1) throw new Error('error: unexpected {end} in jsonpath template');
        stack.pop();
        ranges.pop();
      } else if (/^".*"$|^'.*'$/.test(expr)) {
        stack[stack.length - 1].push({ lit: JSON.parse('"' + expr.slice(1, -1).replace(/"/g, '\\"') + '"') });
      } else stack[stack.length - 1].push({ path: expr });
    }
    return out;
  };
  const evalPath = (cur: unknown, path: string): unknown[] => {
    let vals: unknown[] = [cur];
    let p = path.startsWith('$') ? path.slice(1) : path;
    while (p.length) {
      let m: RegExpExecArray | null;
      const next: unknown[] = [];
      if ((m = /^\.\.?([A-Za-z0-9_-]+)/.exec(p))) {
        for (const v of vals)
          if (v && typeof v === 'object' && m[1] in v) next.push((v as Record<string, unknown>)[m[1]]);
      } else if ((m = /^\[\*\]|^\.\*/.exec(p))) {
        for (const v of vals) if (v && typeof v === 'object') next.push(...Object.values(v as object));
      } else if ((m = /^\[(-?\d+)\]/.exec(p))) {
        const n = Number(m[1]);
        for (const v of vals)
          if (Array.isArray(v))
            (n < 0 ? v[v.length + n] : v[n]) !== undefined && next.push(n < 0 ? v[v.length + n] : v[n]);
      } else if ((m = /^\[['"]([^'"]+)['"]\]/.exec(p))) {
        for (const v of vals)
          if (v && typeof v === 'object' && m[1] in v) next.push((v as Record<string, unknown>)[m[1]]);
      } else if (
        (m = /^\[\?\(@\.([A-Za-z0-9_.-]+)\s*(==|!=)\s*(?:"([^"]*)"|'([^']*)'|([^)\s]+))\)\]/.exec(p))
      ) {
        const want = m[3] ?? m[4] ?? m[5];
        for (const v of vals) {
          if (!Array.isArray(v)) continue;
          for (const item of v) {
            const got = evalPath(item, '.' + m[1])[0];
            if ((String(got) === want) === (m[2] === '==')) next.push(item);
          }
        }
      } else if (p === '.' || p === '@') {
        m = [p] as unknown as RegExpExecArray;
        next.push(...vals);
      } else throw new Error(`error: error parsing jsonpath {${path}}, unrecognized identifier ${p}`);
      vals = next;
      p = p.slice(m[0].length);
    }
    return vals;
  };
  const show = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  const render = (nodes: Node[], cur: unknown): string => {
    let s = '';
    for (const n of nodes) {
      if ('lit' in n) s += n.lit;
      else if ('range' in n) for (const item of evalPath(cur, n.range)) s += render(n.body, item);
      else s += evalPath(cur, n.path).map(show).join(' ');
    }
    return s;
  };
  return render(parse(template), root);
}
