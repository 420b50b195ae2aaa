/**
 * JSON text as Python's `json.dumps` writes it, which is what Ansible's `to_json` / `to_nice_json` give:
 * `", "` and `": "` separators (`","` between items when indented), non-ASCII escaped as `\uXXXX`
 * (ensure_ascii), keys in insertion order unless sort_keys. A playbook rendering JSON into a file thus
 * writes the same bytes as Ansible would, and a run after Ansible's reports no change.
 */
export interface PyJsonOptions {
  indent?: number;
  sortKeys?: boolean;
  ensureAscii?: boolean;
}

export function pyJsonDumps(value: unknown, o: PyJsonOptions = {}): string {
  const indent = o.indent;
  const itemSep = indent === undefined ? ', ' : ',';
  const ascii = o.ensureAscii ?? true;
  const str = (s: string): string => {
    const j = JSON.stringify(s);
    return ascii
      ? j.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
      : j;
  };
  const walk = (v: unknown, depth: number): string => {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function')
      v = (v as { toJSON(): unknown }).toJSON();
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number')
      return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'string') return str(v);
    const pad = indent === undefined ? '' : '\n' + ' '.repeat(indent * (depth + 1));
    const end = indent === undefined ? '' : '\n' + ' '.repeat(indent * depth);
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return '[' + pad + v.map((x) => walk(x, depth + 1)).join(itemSep + pad) + end + ']';
    }
    if (typeof v === 'object') {
      const obj = v as Record<string, unknown>;
      let keys = Object.keys(obj).filter((k) => obj[k] !== undefined && typeof obj[k] !== 'function');
      if (o.sortKeys) keys = keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (keys.length === 0) return '{}';
      return (
        '{' + pad + keys.map((k) => `${str(k)}: ${walk(obj[k], depth + 1)}`).join(itemSep + pad) + end + '}'
      );
    }
    return str(String(v));
  };
  return walk(value, 0);
}
