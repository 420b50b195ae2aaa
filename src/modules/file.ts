/** `file`: a path's state (file, directory, absent, touch, link, hard) and its mode/owner/group. */
import { z } from 'zod';
import { boolArg } from './arg-types';
import { execCommand, sh, type ExecCommand } from '../command';
import { CommandError, ModuleError } from '../errors';
import { captureFileStat, fileStat, parseStat, type FileStat } from '../facts/file';
import { withAliases } from './arg-aliases';
import {
  attrArgs,
  attrChanges,
  attrCommands,
  checkAttrs,
  isSymbolicMode,
  modeBase,
  modeString,
  parseMode,
} from './file-attrs';
import { defineModule, type Change, type Fused, type StepOutputs } from './types';

const args = withAliases(
  z
    .object({
      path: z.string().min(1).describe('Path on the target (aliases: dest, name)'),
      state: z
        .enum(['file', 'directory', 'absent', 'touch', 'link', 'hard'])
        .optional()
        .describe(
          'file: must exist; directory: created with parents; absent: removed (recursively); touch: created or times updated; link/hard: a symbolic/hard link to src',
        ),
      src: z.string().optional().describe('Target of the link (state link or hard)'),
      force: boolArg()
        .default(false)
        .describe('For links: replace an existing file that is not the wanted link'),
      recurse: boolArg()
        .default(false)
        .describe('For directories: apply mode/owner/group to everything inside too'),
      modification_time: z
        .enum(['preserve', 'now'])
        .optional()
        .describe('touch: preserve keeps times of an existing file (then touch is idempotent)'),
      access_time: z
        .enum(['preserve', 'now'])
        .optional()
        .describe('touch: like modification_time, for the access time'),
      ...attrArgs,
    })
    .strict(),
  { dest: 'path', name: 'path' },
);

type Args = z.infer<typeof args>;

interface Facts {
  stat: FileStat;
  /** For state=hard: the source's stat. */
  src?: FileStat;
  /** For recurse: the first entry under the directory whose mode/owner/group differs ('' = none). */
  recurseMismatch?: string;
}

export default defineModule<typeof args, Facts, undefined>({
  name: 'file',
  description: 'Manage a path: file, directory, symbolic/hard link or absent, with mode/owner/group',
  args,
  async probe(ctx, a) {
    checkAttrs(a);
    if (a.recurse && isSymbolicMode(a.mode))
      throw new ModuleError(`recurse with a symbolic mode (${String(a.mode)}) is not supported`, {
        hint: 'give recurse an octal mode, or set the symbolic mode on each path',
      });
    // a symbolic mode is computed from the current mode, or from the umask for a path created here
    const stat = await ctx.fact(fileStat(a.path, { checksum: false, umask: isSymbolicMode(a.mode) }));
    const facts: Facts = { stat };
    if (state(a, stat) === 'hard' && a.src) facts.src = await ctx.fact(fileStat(a.src, { checksum: false }));
    if (a.recurse && stat.isdir && (a.mode !== undefined || a.owner !== undefined || a.group !== undefined)) {
      const r = await ctx.run(recurseProbe(a.path, a));
      facts.recurseMismatch = r.stdout.split('\n')[0] ?? '';
    }
    return facts;
  },
  fused: (a, ctx) => fusedDirectory(a, ctx.host),
  plan(a, f) {
    const st = f.stat;
    const want = state(a, st);
    const p = a.path;
    const changes: Change[] = [];
    // No trailing ':': removing or re-linking a directory also drops the facts of paths under it.
    const add = (describe: string, ...c: ExecCommand[]) =>
      changes.push({ describe, steps: c.map((cmd) => ({ kind: 'exec', cmd, invalidates: [`file:${p}`] })) });
    const attrs = () => {
      for (const c of attrChanges(p, st.exists ? st : undefined, a)) changes.push(c);
      if (
        a.recurse &&
        want === 'directory' &&
        (a.mode !== undefined || a.owner !== undefined || a.group !== undefined)
      ) {
        // recurseMismatch undefined: the directory is new, everything gets the attributes.
        if (f.recurseMismatch === '') return;
        add(`apply mode/owner/group recursively under ${p}`, ...recurseCommands(p, a));
      }
    };
    switch (want) {
      case 'absent':
        if (st.exists) add(`remove ${p}${st.isdir ? ' (recursively)' : ''}`, sh`rm -rf -- ${p}`);
        break;
      case 'directory':
        if (st.exists && !st.isdir) {
          throw new ModuleError(`${p} exists and is not a directory`, {
            hint: 'remove it first (state: absent)',
          });
        }
        if (!st.exists)
          add(
            `create directory ${p}`,
            sh`mkdir -p -- ${p}`,
            ...attrCommands(p, a, { base: modeBase(st, 'directory') }),
          );
        else attrs();
        break;
      case 'file':
        if (!st.exists) {
          throw new ModuleError(`file ${p} is absent, cannot continue`, {
            hint: 'use state: touch to create an empty file',
            data: { path: p, state: 'absent' },
          });
        }
        attrs();
        break;
      case 'touch': {
        const preserve = a.modification_time === 'preserve' && a.access_time === 'preserve';
        if (!st.exists)
          add(
            `create empty file ${p}`,
            sh`touch -- ${p}`,
            ...attrCommands(p, a, { base: modeBase(st, 'file') }),
          );
        else {
          if (!preserve) add(`update the times of ${p}`, sh`touch -- ${p}`);
          attrs();
        }
        break;
      }
      case 'link': {
        if (!a.src)
          throw new ModuleError('state=link needs src', { hint: 'src: the path the link points to' });
        if (st.islnk && st.lnk_source === a.src) {
          for (const c of attrChanges(p, st, { owner: a.owner, group: a.group })) {
            add(c.describe, ...attrCommands(p, { owner: a.owner, group: a.group }, { noDeref: true }));
          }
          break;
        }
        if (st.exists && !st.islnk && !a.force) {
          throw new ModuleError(`${p} exists and is not a symbolic link`, {
            hint: 'set force: true to replace it',
          });
        }
        const rm = st.exists && !st.islnk ? [sh`rm -rf -- ${p}`] : [];
        add(
          st.islnk ? `repoint link ${p}: ${st.lnk_source} → ${a.src}` : `create link ${p} → ${a.src}`,
          ...rm,
          sh`ln -sfn -- ${a.src} ${p}`,
          ...attrCommands(p, { owner: a.owner, group: a.group }, { noDeref: true }),
        );
        break;
      }
      case 'hard': {
        if (!a.src) throw new ModuleError('state=hard needs src', { hint: 'src: the file to link to' });
        if (!f.src?.exists) throw new ModuleError(`src ${a.src} does not exist`);
        if (st.exists && st.inode === f.src.inode) {
          attrs();
          break;
        }
        if (st.exists && !a.force && !st.isreg) {
          throw new ModuleError(`${p} exists and is not a regular file`, {
            hint: 'set force: true to replace it',
          });
        }
        // a hard link has its source's mode
        const base = modeBase({ ...f.src, umask: st.umask });
        add(`create hard link ${p} → ${a.src}`, sh`ln -f -- ${a.src} ${p}`, ...attrCommands(p, a, { base }));
        break;
      }
    }
    return { changes, result: { path: p, state: want } };
  },
});

function state(a: Args, st: FileStat): NonNullable<Args['state']> {
  if (a.state) return a.state;
  if (a.src) return 'link';
  return st.isdir ? 'directory' : 'file';
}

/** `find` listing the entries whose mode/owner/group differ from the args (GNU and busybox find). */
function recurseProbe(p: string, a: Args): ExecCommand {
  const terms: string[] = [];
  const mode = parseMode(a.mode);
  if (mode !== undefined) terms.push('!', '-perm', modeString(mode));
  if (a.owner !== undefined)
    terms.push(...(terms.length ? ['-o'] : []), '!', /^\d+$/.test(a.owner) ? '-uid' : '-user', a.owner);
  if (a.group !== undefined)
    terms.push(...(terms.length ? ['-o'] : []), '!', /^\d+$/.test(a.group) ? '-gid' : '-group', a.group);
  return sh`find ${p} ${['(', ...terms, ')']} -print | head -n 1`;
}

function recurseCommands(p: string, a: Args): ExecCommand[] {
  const out: ExecCommand[] = [];
  if (a.owner !== undefined) out.push(sh`chown -R ${a.owner} -- ${p}`);
  if (a.group !== undefined) out.push(sh`chgrp -R ${a.group} -- ${p}`);
  const mode = parseMode(a.mode);
  if (mode !== undefined) out.push(sh`chmod -R ${modeString(mode)} -- ${p}`);
  return out;
}

/**
 * The fused path of `state: directory` without attributes: one exec prints the path's stat (the probe's
 * fact) and creates the directory only when the path is missing — the step the plan makes from that
 * stat. Anything else (it exists as a file: the plan refuses) runs nothing.
 */
function fusedDirectory(a: Args, host: string): Fused<Facts> | undefined {
  if (a.state !== 'directory' || a.mode !== undefined || a.owner !== undefined || a.group !== undefined)
    return undefined;
  checkAttrs(a);
  const fact = fileStat(a.path, { checksum: false });
  const mkdir = sh`mkdir -p -- ${a.path}`;
  const head = sh`${captureFileStat(a.path, fact)}printf '%s\n' "$out"; echo RMD-RC $rc; [ $rc = 0 ] && [ "$out" = MISSING ] || exit 0; `;
  return {
    cmd: execCommand(head.script + mkdir.script, head.display + mkdir.display),
    invalidates: [`file:${a.path}`],
    split(out) {
      const at = out.stdout.lastIndexOf('RMD-RC ');
      if (at < 0) throw new ModuleError(`cannot stat ${a.path}: ${out.stderr.trim() || `exit ${out.code}`}`);
      const rc = Number(
        out.stdout
          .slice(at + 7)
          .trim()
          .split('\n')[0],
      );
      const stat = parseStat(a.path, out.stdout.slice(0, at).replace(/\n$/, ''), rc, out.stderr);
      if (!stat.exists && out.code !== 0)
        throw new CommandError(host, mkdir.display, out.code, out.signal, out.stderr, out.durationMs);
      const outputs: StepOutputs = stat.exists ? {} : { '0': out };
      return { facts: { stat }, outputs };
    },
  };
}
