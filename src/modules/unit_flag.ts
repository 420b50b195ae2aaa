/**
 * `unit_flag`: set a command-line flag (`--cluster-dns=…`) where a systemd unit, drop-in or flag
 * (environment) file keeps it, changing only the value's bytes (comments, quoting, other flags and lines
 * stay as they are; `--diff` shows the edit). Every occurrence in the file (optionally within one
 * `[section]` and/or on lines of one key) gets `value`, or has `search` replaced by `replace` in its value
 * (`--listen-client-urls=https://172.16.0.1:2379,…`). A file without the flag is an error unless
 * `missing_ok`. Registered: `occurrences` ([{line, section, key, before, after}]), `backup`.
 * It does not reload or restart anything: that is the playbook's next task (systemd module).
 */
import { z } from 'zod';
import { ModuleError } from '../errors';
import { boolArg } from './arg-types';
import { editFlag, FLAG_NAME, type FlagOccurrence } from './flag-edit';
import { probeExistingText, rewriteInPlace, type TextFacts } from './text-edit';
import { defineModule } from './types';

const args = z
  .object({
    path: z
      .string()
      .min(1)
      .describe('The unit, drop-in or flag file, e.g. /etc/systemd/system/kubelet.service.d/10-dns.conf'),
    flag: z
      .string()
      .regex(FLAG_NAME, 'a flag like --cluster-dns')
      .describe('The flag, with its dashes: --cluster-dns'),
    value: z.string().optional().describe('The value every occurrence gets (one word: no spaces or quotes)'),
    search: z
      .string()
      .min(1)
      .optional()
      .describe('Instead of value: the text to replace within each current value'),
    replace: z.string().optional().describe('With search: what replaces it (default: empty)'),
    section: z
      .string()
      .min(1)
      .optional()
      .describe('Only within this [Section] of a unit or drop-in (e.g. Service)'),
    key: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Only on lines of this key: ExecStart, Environment, or a flag-file variable such as KUBELET_ARGS',
      ),
    missing_ok: boolArg().default(false).describe('A file without the flag is no error (nothing changes)'),
    backup: boolArg().default(false).describe('Keep a copy of the old file as PATH.<timestamp>~'),
  })
  .strict()
  .refine((a) => (a.value === undefined) !== (a.search === undefined), {
    message: 'give either value, or search (and replace)',
  });

type Args = z.infer<typeof args>;

interface State {
  backup?: string;
  occurrences: FlagOccurrence[];
}

export default defineModule<typeof args, TextFacts, State>({
  name: 'unit_flag',
  aliases: ['systemd_flag'],
  description:
    'Set a --flag=value in a systemd unit, drop-in or flag file, keeping comments and every other byte (diffable)',
  args,
  probe: (ctx, a) => probeExistingText(ctx, a.path),
  plan(a: Args, f, ctx) {
    let edit;
    try {
      edit = editFlag(f.content, a);
    } catch (e) {
      throw new ModuleError(`${a.path}: ${(e as Error).message}`);
    }
    const where = [a.section && `[${a.section}]`, a.key && `${a.key}=`].filter(Boolean).join(' ');
    if (!edit.occurrences.length && !a.missing_ok) {
      throw new ModuleError(`${a.path} has no ${a.flag}=${where ? ` in ${where}` : ''}`, {
        hint: 'check path, section and key, or set missing_ok: true',
      });
    }
    const state: State = { occurrences: edit.occurrences };
    const result = { path: a.path, occurrences: edit.occurrences };
    if (!edit.changed) return { changes: [], state, result };
    const changed = edit.occurrences.filter((o) => o.before !== o.after);
    const lines = changed.map((o) => `line ${o.line}: ${a.flag}=${o.before} → ${o.after}`).join(', ');
    const { change, backup } = rewriteInPlace(a.path, f, ctx, edit.content, `${a.path}: ${lines}`, a.backup);
    if (backup) state.backup = backup;
    return { changes: [change], state, result };
  },
  result({ plan, outputs }) {
    const r: Record<string, unknown> = { ...(plan.result ?? {}) };
    if (plan.state?.backup && outputs['backup']) r.backup = plan.state.backup;
    return r;
  },
});
