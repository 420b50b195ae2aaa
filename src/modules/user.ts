/**
 * `user`: a local account present (uid, primary group, supplementary groups, comment, home, shell,
 * password hash) or absent. Probe: one exec reading `getent passwd`, `id -gn`/`id -Gn` and, where readable,
 * the shadow hash (never shown). Steps: one `useradd`, `usermod` or `userdel`, names after `--`, the
 * password hash as a secret.
 */
import { z } from 'zod';
import { argv, secret, sh, type Secret } from '../command';
import { ModuleError } from '../errors';
import type { Fact } from '../facts/types';
import { checkAccountName, checkField, checkGroupRef } from './account-names';
import { withAliases } from './arg-aliases';
import { boolArg, intArg } from './arg-types';
import { defineModule, type Change } from './types';

const args = withAliases(
  z
    .object({
      name: z.string().min(1).describe('Login name (alias: user)'),
      state: z.enum(['present', 'absent']).default('present').describe('Whether the account should exist'),
      uid: intArg({ min: 0 }).optional().describe('Numeric user id'),
      non_unique: boolArg().default(false).describe('Allow a uid another user has (-o); needs uid'),
      group: z.string().optional().describe('Primary group (name or gid); must exist'),
      groups: z
        .union([z.array(z.string()), z.string()])
        .optional()
        .describe('Supplementary groups (list or comma-separated); an empty value removes all unless append'),
      append: boolArg().default(false).describe('Add to `groups` instead of setting exactly them'),
      comment: z.string().optional().describe('GECOS field (full name)'),
      home: z.string().optional().describe('Home directory (absolute)'),
      shell: z.string().optional().describe('Login shell (absolute path)'),
      create_home: boolArg()
        .default(true)
        .describe('Create the home directory when adding (alias: createhome)'),
      move_home: boolArg().default(false).describe('With home: move the old home directory to the new place'),
      system: boolArg().default(false).describe('Create a system account (useradd -r), only when adding'),
      password: z.string().optional().describe('Password HASH as in /etc/shadow (crypt format); never shown'),
      update_password: z
        .enum(['always', 'on_create'])
        .default('always')
        .describe('always: set the hash when it differs; on_create: only for new accounts'),
      remove: boolArg().default(false).describe('With state=absent: also remove the home directory (-r)'),
      force: boolArg().default(false).describe('With state=absent: remove even when logged in (-f)'),
      local: boolArg().default(false).describe('Accepted for compatibility: accounts are always local files'),
    })
    .strict(),
  { user: 'name', createhome: 'create_home' },
);
type Args = z.infer<typeof args>;

export interface UserEntry {
  exists: boolean;
  uid?: number;
  gid?: number;
  comment?: string;
  home?: string;
  shell?: string;
  /** Name of the primary group. */
  group?: string;
  /** Supplementary groups (without the primary). */
  groups?: string[];
  /** The shadow hash when readable (root), else undefined. */
  hash?: string;
}

/** One exec: the passwd entry, primary and supplementary groups, the shadow hash where readable. */
export function userEntry(name: string): Fact<UserEntry> {
  return {
    key: `user:${name}`,
    command: sh`if e=$(getent passwd -- ${name}); then printf 'passwd=%s\\n' "$e"
printf 'group=%s\\n' "$(id -gn -- ${name})"; printf 'groups=%s\\n' "$(id -Gn -- ${name})"
s=$(getent shadow -- ${name} 2>/dev/null) && printf 'hash=%s\\n' "$(printf %s "$s" | cut -d: -f2)"
else echo MISSING; fi`,
    parse: (stdout) => {
      const get = (k: string) =>
        stdout
          .split('\n')
          .find((l) => l.startsWith(`${k}=`))
          ?.slice(k.length + 1);
      const pw = get('passwd')?.split(':');
      if (!pw || pw.length < 7 || pw[0] !== name) return { exists: false };
      const group = get('group') ?? '';
      return {
        exists: true,
        uid: Number(pw[2]),
        gid: Number(pw[3]),
        comment: pw[4],
        home: pw[5],
        shell: pw[6],
        group,
        groups: (get('groups') ?? '').split(/\s+/).filter((g) => g && g !== group),
        hash: get('hash'),
      };
    },
  };
}

function wantedGroups(g: Args['groups']): string[] | undefined {
  if (g === undefined) return undefined;
  const list = (Array.isArray(g) ? g : g.split(',')).map((s) => s.trim()).filter(Boolean);
  list.forEach(checkGroupRef);
  return [...new Set(list)];
}

function validate(a: Args): void {
  checkAccountName('user', a.name);
  if (a.group !== undefined) checkGroupRef(a.group);
  wantedGroups(a.groups);
  checkField('comment', a.comment);
  checkField('home', a.home, true);
  checkField('shell', a.shell, true);
  if (a.password !== undefined && /[:\n]/.test(a.password))
    throw new ModuleError('invalid password hash: it holds no ":" and no line break');
  if (a.non_unique && a.uid === undefined) throw new ModuleError('non_unique needs uid');
}

export default defineModule<typeof args, UserEntry, undefined>({
  name: 'user',
  description: 'Add, change or remove a local user account',
  args,
  async probe(ctx, a) {
    validate(a);
    return ctx.fact(userEntry(a.name));
  },
  plan(a, u) {
    validate(a);
    const n = a.name;
    const inv = ['user:', 'group:', 'file:'];
    if (a.state === 'absent') {
      const changes: Change[] = u.exists
        ? [
            {
              describe: `remove user ${n}${a.remove ? ' and its home' : ''}`,
              steps: [
                {
                  kind: 'exec',
                  cmd: argv(['userdel', ...(a.remove ? ['-r'] : []), ...(a.force ? ['-f'] : []), '--', n]),
                  invalidates: inv,
                },
              ],
            },
          ]
        : [];
      return {
        changes,
        result: { name: n, state: 'absent', ...(u.exists ? { force: a.force, remove: a.remove } : {}) },
      };
    }
    const groups = wantedGroups(a.groups);
    const pw: (string | Secret)[] = a.password === undefined ? [] : ['-p', secret(a.password)];
    const o = a.non_unique ? ['-o'] : [];
    if (!u.exists) {
      const words: (string | Secret)[] = ['useradd'];
      if (a.uid !== undefined) words.push('-u', String(a.uid), ...o);
      if (a.group !== undefined) words.push('-g', a.group);
      if (groups?.length) words.push('-G', groups.join(','));
      if (a.comment !== undefined) words.push('-c', a.comment);
      if (a.home !== undefined) words.push('-d', a.home);
      if (a.shell !== undefined) words.push('-s', a.shell);
      words.push(a.create_home ? '-m' : '-M');
      if (a.system) words.push('-r');
      words.push(...pw, '--', n);
      return {
        changes: [
          { describe: `add user ${n}`, steps: [{ kind: 'exec', cmd: argv(words), invalidates: inv }] },
        ],
        result: {
          name: n,
          state: 'present',
          system: a.system,
          create_home: a.create_home,
          uid: a.uid ?? null,
        },
      };
    }
    const words: (string | Secret)[] = [];
    const what: string[] = [];
    if (a.uid !== undefined && a.uid !== u.uid)
      (words.push('-u', String(a.uid), ...o), what.push(`uid ${u.uid} → ${a.uid}`));
    if (a.group !== undefined && a.group !== u.group && a.group !== String(u.gid))
      (words.push('-g', a.group), what.push(`group ${u.group} → ${a.group}`));
    if (groups !== undefined) {
      const have = new Set(u.groups ?? []);
      const missing = groups.filter((g) => !have.has(g));
      const differs = missing.length > 0 || (!a.append && have.size !== groups.length);
      if (differs) {
        const list = a.append ? [...(u.groups ?? []), ...missing] : groups;
        words.push('-G', list.join(','));
        what.push(
          a.append
            ? `groups +${missing.join(',')}`
            : `groups [${[...have].join(',')}] → [${groups.join(',')}]`,
        );
      }
    }
    if (a.comment !== undefined && a.comment !== u.comment)
      (words.push('-c', a.comment), what.push('comment'));
    if (a.home !== undefined && a.home !== u.home)
      (words.push('-d', a.home, ...(a.move_home ? ['-m'] : [])), what.push(`home ${u.home} → ${a.home}`));
    if (a.shell !== undefined && a.shell !== u.shell)
      (words.push('-s', a.shell), what.push(`shell ${u.shell} → ${a.shell}`));
    if (a.password !== undefined && a.update_password === 'always' && u.hash !== a.password)
      (words.push(...pw), what.push('password'));
    const changes: Change[] = words.length
      ? [
          {
            describe: `modify user ${n}: ${what.join(', ')}`,
            steps: [{ kind: 'exec', cmd: argv(['usermod', ...words, '--', n]), invalidates: inv }],
          },
        ]
      : [];
    return {
      changes,
      result: {
        name: n,
        state: 'present',
        uid: a.uid ?? u.uid,
        group: a.group !== undefined && /^\d+$/.test(a.group) ? Number(a.group) : u.gid,
        groups: (groups ?? u.groups ?? []).join(','),
        comment: a.comment ?? u.comment,
        home: a.home ?? u.home,
        shell: a.shell ?? u.shell,
        append: a.append,
        move_home: a.move_home,
        ...(a.password !== undefined ? { password: 'NOT_LOGGING_PASSWORD' } : {}),
      },
    };
  },
});
