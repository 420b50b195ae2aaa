/**
 * `include_vars`: load variables from YAML/JSON files on the controller into the host's variables (Ansible's
 * `include_vars`), at Ansible's "include_vars" precedence: above task vars, below set_fact/registered vars
 * and extra vars (src/runner/variables.ts). Vaulted files (whole-file or `!vault` values) are decrypted with
 * the run's vault passwords, as vars_files are. Controller only: nothing reaches the target.
 *
 * `file` (or the free form): a path, searched in the role's `vars/` then the role, then the playbook
 * directory's `vars/` then the playbook directory. `dir`: every file with one of `extensions` under it,
 * sorted by path, to `depth` levels (0: all), filtered by `files_matching` (re.search on the file name) and
 * `ignore_files` (names or patterns matched at the end of the name). `name`: put everything under one key.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { formatLoc, ModuleError, PlaybookError, RemediateError } from '../errors';
import type { Vars } from '../inventory/types';
import { loadVarsFile } from '../playbook/index';
import { pyRegex } from '../template/regex';
import { boolArg, intArg } from './arg-types';
import { defineModule, type ModuleContext } from './types';

const args = z
  .object({
    _raw_params: z.string().optional().describe('Free form: the file to load'),
    file: z.string().optional().describe('The YAML/JSON file to load (controller)'),
    dir: z.string().optional().describe('A directory whose files are all loaded, sorted by path'),
    name: z.string().optional().describe('Put the loaded variables under this one variable'),
    files_matching: z.string().optional().describe('dir: only file names this regex finds (re.search)'),
    ignore_files: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('dir: file names (or patterns, matched at the end of the name) to skip'),
    depth: intArg({ min: 0 }).default(0).describe('dir: how deep to descend (0: no limit)'),
    extensions: z
      .array(z.string())
      .default(['yaml', 'yml', 'json'])
      .describe('dir: the file extensions to load'),
    ignore_unknown_extensions: boolArg()
      .default(false)
      .describe('dir: skip files with other extensions instead of failing'),
  })
  .strict();
type Args = z.infer<typeof args>;

interface Facts {
  vars: Vars;
  files: string[];
}

/** Where Ansible looks for a relative `file`/`dir`: role vars/, role, playbook vars/, playbook dir. */
function locate(ctx: ModuleContext, p: string): string {
  if (path.isAbsolute(p)) {
    if (fs.existsSync(p)) return p;
  } else {
    const role = ctx.roleDir ? [path.join(ctx.roleDir, 'vars', p), path.join(ctx.roleDir, p)] : [];
    for (const cand of [...role, path.join(ctx.playbookDir, 'vars', p), path.join(ctx.playbookDir, p)])
      if (fs.existsSync(cand)) return cand;
  }
  throw new ModuleError(`Could not find or access '${p}'`, {
    hint: `relative paths are searched in ${ctx.roleDir ? "the role's vars/, the role, " : ''}the playbook's vars/ and the playbook directory (${ctx.playbookDir})`,
  });
}

function regex(what: string, re: string): RegExp {
  try {
    return pyRegex(re);
  } catch (e) {
    throw new ModuleError(`invalid ${what} ${JSON.stringify(re)}: ${(e as Error).message}`);
  }
}

/** The files of `dir` to load, in Ansible's order (sorted walk, depth-limited, filtered). */
export function dirFiles(root: string, a: Args): string[] {
  const match = a.files_matching !== undefined ? regex('files_matching', a.files_matching) : undefined;
  const ignores = (
    Array.isArray(a.ignore_files) ? a.ignore_files : a.ignore_files ? [a.ignore_files] : []
  ).map((i) => regex('ignore_files', `${i}$`));
  const out: string[] = [];
  const walk = (d: string, level: number) => {
    const entries = fs
      .readdirSync(d, { withFileTypes: true })
      .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) {
        if (a.depth === 0 || level < a.depth) walk(full, level + 1);
        continue;
      }
      if (match && !match.test(e.name)) continue;
      if (ignores.some((r) => r.test(e.name))) continue;
      const ext = path.extname(e.name).replace(/^\./, '');
      if (!a.extensions.includes(ext)) {
        if (a.ignore_unknown_extensions) continue;
        throw new ModuleError(`${full} does not have a valid extension: ${a.extensions.join(', ')}`);
      }
      out.push(full);
    }
  };
  walk(root, 1);
  return out;
}

export default defineModule<typeof args, Facts, undefined>({
  name: 'include_vars',
  description: 'Load variables from YAML/JSON files on the controller (vaulted files decrypted)',
  args,
  controllerOnly: true,
  async probe(ctx, a) {
    const file = a.file ?? a._raw_params?.trim();
    if ((file === undefined) === (a.dir === undefined))
      throw new ModuleError('include_vars: give exactly one of file (or the free form) and dir');
    let files: string[];
    if (a.dir !== undefined) {
      const d = locate(ctx, a.dir);
      if (!fs.statSync(d).isDirectory()) throw new ModuleError(`${a.dir} is not a directory`);
      files = dirFiles(d, a);
    } else {
      const f = locate(ctx, file!);
      if (fs.statSync(f).isDirectory())
        throw new ModuleError(`${file} is a directory`, { hint: 'use dir: to load a directory' });
      files = [f];
    }
    const vars: Vars = {};
    for (const f of files) {
      try {
        Object.assign(vars, await loadVarsFile(f));
      } catch (e) {
        if (e instanceof ModuleError) throw e;
        // a located error of the vars file (file:line:col), failing this task on this host
        const where = e instanceof PlaybookError && e.loc ? formatLoc(e.loc) : f;
        throw new ModuleError(`${where}: ${(e as Error).message}`, {
          hint: e instanceof RemediateError ? e.hint : undefined,
        });
      }
    }
    return { vars, files };
  },
  plan(a, f) {
    if (a.name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(a.name))
      throw new ModuleError(`invalid variable name '${a.name}'`);
    const facts = a.name !== undefined ? { [a.name]: f.vars } : f.vars;
    return { changes: [], result: { ansible_facts: facts, ansible_included_var_files: f.files } };
  },
});
