/** String, regex, encoding, path and URL filters (Ansible names and Python semantics). */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { quote } from '../command';
import { pyJsonDumps } from '../py-json';
import { pyYamlDump, pyYamlLoad, pyYamlLoadAll, type PyYamlDumpOptions } from '../py-yaml';
import { pyPercent } from './py-format';
import { pyRegex, pyReplacement } from './regex';
import { pyRepr, pyStr, pyTuple, splitKwargs, toList, type Dict } from './values';

type Filter = (value: unknown, ...args: unknown[]) => unknown;

function yamlDumpKw(kw: Dict): PyYamlDumpOptions {
  return {
    indent: typeof kw.indent === 'number' ? kw.indent : undefined,
    width: typeof kw.width === 'number' ? kw.width : undefined,
    sortKeys: kw.sort_keys === undefined ? true : Boolean(kw.sort_keys),
    explicitStart: Boolean(kw.explicit_start),
  };
}

/** A YAML reading filter's errors name the filter and where, never the data (it may be secret). */
function yamlFilter(name: string, read: () => unknown): unknown {
  try {
    return read();
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`);
  }
}

function b64decode(v: unknown): string {
  const s = String(v).trim();
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) throw new Error('b64decode: input is not valid base64');
  return Buffer.from(s, 'base64').toString('utf8');
}

export function textFilters(): Record<string, Filter> {
  const t: Record<string, Filter> = {
    regex_replace: (v, pattern, repl = '', ...args) => {
      const { pos, kw } = splitKwargs(args);
      const re = pyRegex(
        String(pattern),
        { ignorecase: Boolean(kw.ignorecase ?? pos[0]), multiline: Boolean(kw.multiline ?? pos[1]) },
        true,
      );
      return pyStr(v).replace(re, pyReplacement(pyStr(repl)));
    },
    regex_search: (v, pattern, ...args) => {
      const { pos, kw } = splitKwargs(args);
      const re = pyRegex(String(pattern), {
        ignorecase: Boolean(kw.ignorecase),
        multiline: Boolean(kw.multiline),
      });
      const m = re.exec(pyStr(v));
      if (!m) return null;
      if (pos.length === 0) return m[0];
      return pos.map((g) => {
        const s = String(g);
        const num = /^\\(\d+)$/.exec(s);
        if (num) return m[Number(num[1])] ?? null;
        const named = /^\\g<(\w+)>$/.exec(s);
        if (named) return (/^\d+$/.test(named[1]) ? m[Number(named[1])] : m.groups?.[named[1]]) ?? null;
        throw new Error(
          `regex_search: bad group reference ${JSON.stringify(s)} (use '\\\\1' or '\\\\g<name>')`,
        );
      });
    },
    regex_findall: (v, pattern, ...args) => {
      const { kw } = splitKwargs(args);
      const re = pyRegex(
        String(pattern),
        { ignorecase: Boolean(kw.ignorecase), multiline: Boolean(kw.multiline) },
        true,
      );
      return [...pyStr(v).matchAll(re)].map((m) =>
        m.length === 1 ? m[0] : m.length === 2 ? m[1] : pyTuple(m.slice(1)),
      );
    },
    regex_escape: (v) => pyStr(v).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
    b64encode: (v) => Buffer.from(pyStr(v), 'utf8').toString('base64'),
    b64decode: (v) => b64decode(v),
    // Python's json.dumps spacing and escaping, as Ansible writes them
    to_json: (v, ...args) => {
      const { kw } = splitKwargs(args);
      return pyJsonDumps(v, {
        indent: typeof kw.indent === 'number' ? kw.indent : undefined,
        sortKeys: Boolean(kw.sort_keys),
        ensureAscii: kw.ensure_ascii === undefined ? true : Boolean(kw.ensure_ascii),
      });
    },
    to_nice_json: (v, ...args) => {
      const { kw } = splitKwargs(args);
      return pyJsonDumps(v, {
        indent: typeof kw.indent === 'number' ? kw.indent : 4,
        sortKeys: kw.sort_keys === undefined ? true : Boolean(kw.sort_keys),
        ensureAscii: kw.ensure_ascii === undefined ? true : Boolean(kw.ensure_ascii),
      });
    },
    from_json: (v) => {
      try {
        return JSON.parse(pyStr(v)) as unknown;
      } catch {
        // JSON.parse quotes the input in its message: never echo data (it may be secret).
        throw new Error('from_json: the input is not valid JSON');
      }
    },
    // PyYAML's output, as Ansible's filters call yaml.dump (src/py-yaml.ts)
    to_yaml: (v, ...args) => {
      const { kw } = splitKwargs(args);
      return pyYamlDump(v, {
        ...yamlDumpKw(kw),
        defaultFlowStyle:
          kw.default_flow_style === undefined || kw.default_flow_style === null
            ? undefined
            : Boolean(kw.default_flow_style),
      });
    },
    to_nice_yaml: (v, ...args) => {
      const { pos, kw } = splitKwargs(args);
      return pyYamlDump(v, {
        ...yamlDumpKw(kw),
        indent: typeof pos[0] === 'number' ? pos[0] : typeof kw.indent === 'number' ? kw.indent : 4,
        defaultFlowStyle: false,
      });
    },
    from_yaml: (v) => yamlFilter('from_yaml', () => pyYamlLoad(pyStr(v))),
    from_yaml_all: (v) => yamlFilter('from_yaml_all', () => pyYamlLoadAll(pyStr(v))),
    quote: (v) => quote(pyStr(v)),
    basename: (v) => path.posix.basename(pyStr(v)),
    dirname: (v) => path.posix.dirname(pyStr(v)),
    path_join: (v) => path.posix.join(...toList(v).map(pyStr)),
  };
  // Jinja2's do_format: `soft_str(value) % (kwargs or args)`.
  t.format = (v, ...args) => {
    const { pos, kw } = splitKwargs(args);
    if (pos.length && Object.keys(kw).length)
      throw new Error("can't handle positional and keyword arguments at the same time");
    return pyPercent(pyStr(v), Object.keys(kw).length ? kw : pyTuple(pos));
  };
  t.splitext = (v) => {
    const s = pyStr(v);
    const ext = path.posix.extname(s);
    return pyTuple([s.slice(0, s.length - ext.length), ext]);
  };
  // Python's urlsplit: netloc keeps user:password@, None for what is absent; the dict Ansible returns
  // has its keys sorted
  t.urlsplit = (v, part) => {
    const text = pyStr(v);
    const u = new URL(text);
    const netloc = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(text)?.[1] ?? u.host;
    const parts: Dict = {
      fragment: u.hash.replace(/^#/, ''),
      hostname: u.hostname === '' ? null : u.hostname.replace(/^\[|\]$/g, '').toLowerCase(),
      netloc,
      password: u.password === '' ? null : decodeURIComponent(u.password),
      path: u.pathname,
      port: u.port === '' ? null : Number(u.port),
      query: u.search.replace(/^\?/, ''),
      scheme: u.protocol.replace(/:$/, ''),
      username: u.username === '' ? null : decodeURIComponent(u.username),
    };
    if (part === undefined) return parts;
    if (!(String(part) in parts)) throw new Error(`urlsplit: unknown part '${String(part)}'`);
    return parts[String(part)];
  };
  t.hash = (v, algo = 'sha1') => createHash(String(algo)).update(pyStr(v)).digest('hex');
  t.checksum = (v) => createHash('sha1').update(pyStr(v)).digest('hex');
  return t;
}
