/**
 * `known_hosts`: add, replace or remove a host's key in an OpenSSH known_hosts file (Ansible's
 * `known_hosts`). Probe: the file (and `$HOME` for a `~/` path) in reads; the edit is pure: lines are
 * matched on their host field — plain patterns or hashed `|1|salt|hmac` entries (HMAC-SHA1, as ssh-keygen
 * writes them). present: an identical key for the host is kept; other keys of that type for the host are
 * replaced. absent: every line of the host goes. One atomic upload (0644 for a new file); diffable.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { sh } from '../command';
import { ModuleError } from '../errors';
import { withAliases } from './arg-aliases';
import { boolArg } from './arg-types';
import { planTextEdit, probeText, textEditResult, type TextEditState, type TextFacts } from './text-edit';
import { defineModule } from './types';

const base = z
  .object({
    name: z.string().min(1).describe('Host name or address ([host]:port for a non-22 port) (alias: host)'),
    key: z
      .string()
      .optional()
      .describe('The known_hosts line: "HOST keytype base64key" (required for present)'),
    path: z.string().default('~/.ssh/known_hosts').describe('The known_hosts file on the target'),
    state: z.enum(['present', 'absent']).default('present').describe('Whether the host key should be there'),
    hash_host: boolArg()
      .default(false)
      .describe('Hash the host name of a new line (HMAC-SHA1, as ssh-keygen -H)'),
  })
  .strict();
const args = withAliases(base, { host: 'name' });
type Args = z.infer<typeof base>;

type Facts = TextFacts & { file: string };

/** Does the host field of a known_hosts line name `host`? */
export function hostMatches(field: string, host: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(host).digest('base64') === hash;
  }
  return field.split(',').some((p) => p.toLowerCase() === host.toLowerCase());
}

function hashName(host: string, salt: Buffer): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(host).digest('base64')}`;
}

export function editKnownHosts(text: string, a: Args, salt = Buffer.alloc(20, 7)): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const parse = (l: string) => {
    const w = l.trim().split(/\s+/);
    const marker = w[0]?.startsWith('@') ? w.shift() : undefined;
    return { marker, host: w[0] ?? '', type: w[1] ?? '', blob: w[2] ?? '' };
  };
  const mine = (l: string) =>
    !l.trim().startsWith('#') && l.trim() !== '' && hostMatches(parse(l).host, a.name);
  if (a.state === 'absent')
    return lines
      .filter((l) => !mine(l))
      .map((l) => l + '\n')
      .join('');
  const k = parse(a.key ?? '');
  if (lines.some((l) => mine(l) && parse(l).type === k.type && parse(l).blob === k.blob))
    return text.endsWith('\n') || text === '' ? text : text + '\n';
  const kept = lines.filter((l) => !(mine(l) && parse(l).type === k.type));
  const rest = (a.key ?? '').trim().split(/\s+/).slice(1).join(' ');
  kept.push(`${a.hash_host ? hashName(a.name, salt) : a.name} ${rest}`);
  return kept.map((l) => l + '\n').join('');
}

function validate(a: Args): void {
  if (!/^(\[[A-Za-z0-9.:_-]+\]:\d+|[A-Za-z0-9.:_-]+)$/.test(a.name) || a.name.startsWith('-'))
    throw new ModuleError(`invalid host name ${JSON.stringify(a.name)}`);
  if (a.state === 'present') {
    if (!a.key) throw new ModuleError('key is required with state=present');
    const w = a.key.trim().split(/\s+/);
    if (
      w.length < 3 ||
      /\n/.test(a.key.trim()) ||
      !/^[A-Za-z0-9@.-]+$/.test(w[1]!) ||
      !/^[A-Za-z0-9+/=]+$/.test(w[2]!)
    )
      throw new ModuleError('invalid key: expected "HOST keytype base64key" on one line');
    if (!w[0]!.startsWith('|1|') && !hostMatches(w[0]!, a.name))
      throw new ModuleError(`Host parameter does not match hashed host field in supplied key`, {
        hint: `the key line must start with ${a.name}`,
      });
  }
}

export default defineModule<typeof args, Facts, TextEditState>({
  name: 'known_hosts',
  description: 'Add, replace or remove a host key in a known_hosts file',
  args,
  async probe(ctx, a) {
    validate(a);
    let file = a.path;
    if (file.startsWith('~/')) file = (await ctx.run(sh`printf %s "$HOME"`)).stdout + file.slice(1);
    if (!file.startsWith('/')) throw new ModuleError(`path must be absolute or start with ~/: ${a.path}`);
    return { ...(await probeText(ctx, { path: file, backup: false })), file };
  },
  plan(a, f, ctx) {
    validate(a);
    if (!f.stat.exists && a.state === 'absent') return { changes: [], result: { diff: {}, gid: null } };
    const after = editKnownHosts(f.content, a);
    const mode = f.stat.exists ? undefined : '0644';
    return planTextEdit(
      { path: f.file, backup: false, mode },
      f,
      ctx,
      after,
      `${a.state === 'absent' ? 'remove' : 'add'} the key of ${a.name} in ${f.file}`,
      { path: f.file, hash_host: a.hash_host, key: a.key ?? null, name: a.name, state: a.state },
    );
  },
  result: textEditResult,
});
