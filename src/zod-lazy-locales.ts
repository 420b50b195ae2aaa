/**
 * zod's locale index requires all of its ~50 message catalogues when zod loads (15 ms of a ~200 ms run
 * start), though remediate only ever uses English, which zod's schemas load by themselves. Before zod
 * loads, this puts in the require cache an index with the same exports whose catalogues load on first
 * use: `z.locales.de()` still works. When zod is already loaded, or its index is not in the shape read
 * here (another zod version), it does nothing and zod loads as it always does.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';

export function lazyZodLocales(): boolean {
  try {
    const file = require.resolve('zod/v4/locales/index.cjs');
    if (require.cache[file]) return false;
    const text = fs.readFileSync(file, 'utf8');
    const re =
      /var (\w+) = require\("(\.\/[\w-]+\.cjs)"\);\s*Object\.defineProperty\(exports, "(\w+)", \{ enumerable: true, get: function \(\) \{ return __importDefault\(\1\)\.default; \} \}\);/g;
    const entries = [...text.matchAll(re)].map((m) => ({
      key: m[3]!,
      file: path.join(path.dirname(file), m[2]!),
    }));
    // every export of the index must be one we make lazily, else zod's own index is used
    const exported = [...text.matchAll(/Object\.defineProperty\(exports, "(\w+)"/g)].map((m) => m[1]);
    if (entries.length < 10 || exported.length !== entries.length + 1 || !entries.some((e) => e.key === 'en'))
      return false;
    const exports: Record<string, unknown> = {};
    Object.defineProperty(exports, '__esModule', { value: true });
    for (const e of entries)
      Object.defineProperty(exports, e.key, {
        enumerable: true,
        get: () => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const m = require(e.file) as { __esModule?: boolean; default?: unknown };
          return m && m.__esModule ? m.default : m;
        },
      });
    const mod = new Module(file, module);
    mod.filename = file;
    mod.loaded = true;
    mod.exports = exports;
    require.cache[file] = mod;
    return true;
  } catch {
    return false;
  }
}
