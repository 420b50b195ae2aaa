/**
 * `cron`: a named job in a user's crontab (or in a file under /etc/cron.d), written as Ansible writes it:
 * a `#Ansible: NAME` comment line followed by the job line, so jobs Ansible manages are managed here too.
 * Probe: `crontab -l` (or the file's content). Step: the whole new crontab fed to `crontab -` on stdin,
 * or one atomic upload of the cron.d file; diffable.
 */
import { z } from 'zod';
import { argv } from '../command';
import { ModuleError } from '../errors';
import { fileContent } from '../facts/file';
import { checkAccountName } from './account-names';
import { boolArg } from './arg-types';
import { withAliases } from './arg-aliases';
import { defineModule, type Change } from './types';

const field = (what: string) => z.string().default('*').describe(what);
const args = withAliases(
  z
    .object({
      name: z.string().min(1).describe('Name of the job: the `#Ansible: NAME` comment that marks it'),
      job: z.string().optional().describe('The command to run (required for state=present) (alias: value)'),
      state: z.enum(['present', 'absent']).default('present').describe('Whether the job should be there'),
      user: z
        .string()
        .optional()
        .describe('Whose crontab (default: the login/become user); required with cron_file'),
      minute: field('Minute (0-59, *, */5, ...)'),
      hour: field('Hour (0-23, *, ...)'),
      day: field('Day of the month (1-31, *, ...) (alias: dom)'),
      month: field('Month (1-12, *, ...)'),
      weekday: field('Day of the week (0-6, *, ...) (alias: dow)'),
      special_time: z
        .enum(['annually', 'daily', 'hourly', 'monthly', 'reboot', 'weekly', 'yearly'])
        .optional()
        .describe('@reboot, @daily, ... instead of the five time fields'),
      disabled: boolArg().default(false).describe('Keep the job but commented out'),
      cron_file: z
        .string()
        .optional()
        .describe(
          'A file in /etc/cron.d (a bare name) or an absolute path instead of the crontab; needs user',
        ),
      backup: boolArg().default(false).describe('Accepted for compatibility; the old crontab is in the diff'),
      env: boolArg().default(false).describe('Manage an environment variable line (not supported here)'),
    })
    .strict(),
  { value: 'job', dom: 'day', dow: 'weekday' },
);
type Args = z.infer<typeof args>;

interface Facts {
  content: string;
  exists: boolean;
}

function cronPath(a: Args): string | undefined {
  if (a.cron_file === undefined) return undefined;
  if (a.cron_file.startsWith('/')) return a.cron_file;
  if (!/^[A-Za-z0-9_-]+$/.test(a.cron_file))
    throw new ModuleError(`invalid cron_file ${JSON.stringify(a.cron_file)}`, {
      hint: 'files in /etc/cron.d hold only letters, digits, _ and - (cron ignores others)',
    });
  return `/etc/cron.d/${a.cron_file}`;
}

function validate(a: Args): void {
  if (a.env)
    throw new ModuleError('env: true is not supported by this cron module', {
      hint: 'set the variable in the job',
    });
  if (a.user !== undefined) checkAccountName('user', a.user);
  if (a.cron_file !== undefined && a.user === undefined) throw new ModuleError('cron_file needs user');
  for (const [k, v] of Object.entries({
    name: a.name,
    job: a.job,
    minute: a.minute,
    hour: a.hour,
    day: a.day,
    month: a.month,
    weekday: a.weekday,
  }))
    if (v !== undefined && /[\n\r]/.test(v)) throw new ModuleError(`${k} holds a line break`);
  for (const [k, v] of Object.entries({
    minute: a.minute,
    hour: a.hour,
    day: a.day,
    month: a.month,
    weekday: a.weekday,
  }))
    if (/\s/.test(v)) throw new ModuleError(`${k} holds a space: ${JSON.stringify(v)}`);
  if (a.state === 'present' && a.job === undefined)
    throw new ModuleError('job is required with state=present');
  cronPath(a);
}

/** The job line as Ansible renders it. */
export function jobLine(a: Args): string {
  const user = a.cron_file !== undefined ? ` ${a.user}` : '';
  const when = a.special_time
    ? `@${a.special_time}`
    : `${a.minute} ${a.hour} ${a.day} ${a.month} ${a.weekday}`;
  return `${a.disabled ? '#' : ''}${when}${user} ${a.job}`;
}

/** Ansible's CronTab edit: replace, append or remove the `#Ansible: NAME` pair; '' for an empty table. */
export function editCrontab(text: string, a: Args): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const marker = `#Ansible: ${a.name}`;
  const at = lines.indexOf(marker);
  if (a.state === 'absent') {
    if (at >= 0) lines.splice(at, 2);
  } else if (at >= 0) lines.splice(at + 1, 1, jobLine(a));
  else lines.push(marker, jobLine(a));
  const out = lines.join('\n');
  return out ? out.replace(/[\r\n]+$/, '') + '\n' : '';
}

export default defineModule<typeof args, Facts, undefined>({
  name: 'cron',
  description: 'Manage a named cron job in a crontab or /etc/cron.d file',
  args,
  async probe(ctx, a) {
    validate(a);
    const file = cronPath(a);
    if (file) {
      const c = await ctx.fact(fileContent(file));
      return { content: c.content.toString('utf8'), exists: c.exists };
    }
    const u = a.user === undefined ? [] : ['-u', a.user];
    const r = await ctx.exec(argv(['crontab', ...u, '-l']));
    if (r.code !== 0 && !/no crontab/i.test(r.stderr))
      throw new ModuleError(`crontab -l failed: ${r.stderr.trim() || `exit ${r.code}`}`);
    // Some crontab versions print a "DO NOT EDIT THIS FILE" header of three comment lines.
    const content =
      r.code === 0 ? r.stdout.replace(/^# DO NOT EDIT THIS FILE[^\n]*\n#[^\n]*\n#[^\n]*\n/, '') : '';
    return { content, exists: r.code === 0 };
  },
  plan(a, f, ctx) {
    validate(a);
    const after = editCrontab(f.content, a);
    const file = cronPath(a);
    const changes: Change[] = [];
    const where = file ?? `crontab of ${a.user ?? 'the user'}`;
    if (after !== f.content) {
      const what =
        a.state === 'absent' ? 'remove' : f.content.includes(`#Ansible: ${a.name}\n`) ? 'update' : 'add';
      const u = a.user === undefined ? [] : ['-u', a.user];
      changes.push({
        describe: `${what} cron job ${JSON.stringify(a.name)} in ${where}`,
        diff: ctx.noLog ? undefined : { path: where, before: f.content, after },
        steps: file
          ? [{ kind: 'upload', dest: file, content: Buffer.from(after), mode: 0o644 }]
          : [{ kind: 'exec', cmd: argv(['crontab', ...u, '-']), stdin: after, invalidates: [] }],
      });
    }
    const jobs = after
      .split('\n')
      .filter((l) => l.startsWith('#Ansible: '))
      .map((l) => l.slice('#Ansible: '.length));
    return { changes, result: { jobs, envs: [], ...(file ? { cron_file: file } : {}) } };
  },
});
