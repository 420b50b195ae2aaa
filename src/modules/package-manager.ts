/**
 * The package managers behind `package`, `apt` and `dnf`/`yum`: one read-only probe exec per task (which
 * manager, each package's installed version, and for `latest` its candidate version) and the exact
 * install/upgrade/remove commands, package names after `--`. A package spec is `name` or `name=version`
 * (apt) / `name-version` (dnf takes it as given).
 */
import { z } from 'zod';
import { argv, sh, type ExecCommand } from '../command';
import { ModuleError } from '../errors';
import { withAliases } from './arg-aliases';
import { boolArg } from './arg-types';
import { defineModule, type Change, type ModuleDefinition, type Plan, type Step } from './types';

export type Manager = 'apt' | 'dnf' | 'yum';

export const packageArgs = withAliases(
  z
    .object({
      name: z
        .union([z.array(z.string()), z.string()])
        .describe(
          'Package name(s): a list or comma-separated; apt takes name=version (aliases: pkg, package)',
        ),
      state: z
        .enum(['present', 'installed', 'latest', 'absent', 'removed'])
        .default('present')
        .describe(
          'present/installed: install if missing; latest: install or upgrade to the candidate; absent/removed',
        ),
      update_cache: boolArg()
        .default(false)
        .describe('Refresh the package lists first (apt-get update / dnf makecache); no change by itself'),
      purge: boolArg().default(false).describe('apt: remove configuration files too (absent)'),
      install_recommends: boolArg()
        .optional()
        .describe('apt: install recommended packages (default: apt configuration)'),
    })
    .strict(),
  { pkg: 'name', package: 'name' },
);
export type PackageArgs = z.infer<typeof packageArgs>;

export interface PkgInfo {
  name: string;
  /** Installed version, or undefined. */
  installed?: string;
  /** The version the manager would install (only probed for latest). */
  candidate?: string;
}
export interface PackageFacts {
  manager?: Manager;
  packages: PkgInfo[];
}

/** Parsed specs; rejects anything that could read as an option or a shell word. */
export function packageSpecs(name: PackageArgs['name']): { spec: string; name: string; version?: string }[] {
  const list = (Array.isArray(name) ? name : name.split(',')).map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new ModuleError('name is required');
  return list.map((spec) => {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_+.:@-]*(=[A-Za-z0-9.+~:_*-]+)?$/.test(spec))
      throw new ModuleError(`invalid package name ${JSON.stringify(spec)}`, {
        hint: 'package names start with a letter or digit and hold letters, digits and +.:_@-',
      });
    const [n, v] = spec.split('=');
    return { spec, name: n!, version: v };
  });
}

/** The probe: one exec answering manager, installed versions and (latest) candidates. */
export function probeCommand(forced: Manager | undefined, names: string[], latest: boolean): ExecCommand {
  const want = forced ?? '';
  return sh`m=${want}
if [ -z "$m" ]; then if command -v apt-get >/dev/null 2>&1; then m=apt; elif command -v dnf >/dev/null 2>&1; then m=dnf; elif command -v yum >/dev/null 2>&1; then m=yum; fi; fi
[ "$m" = yum ] && ! command -v yum >/dev/null 2>&1 && command -v dnf >/dev/null 2>&1 && m=dnf
echo "M|$m"
case $m in
apt) command -v dpkg-query >/dev/null 2>&1 || { echo 'M|'; exit 0; }
  for p in ${names}; do printf 'I|%s|%s\\n' "$p" "$(dpkg-query -W -f='\${Status}|\${Version}' -- "$p" 2>/dev/null)"; done
  if [ ${latest ? '1' : ''} ]; then LC_ALL=C apt-cache policy -- ${names} 2>/dev/null | sed -n 's/^\\([^ ].*\\):$/P|\\1/p; s/^  Candidate: /C|/p'; fi ;;
dnf|yum) for p in ${names}; do printf 'I|%s|%s\\n' "$p" "$(rpm -q --qf '%{EPOCH}:%{VERSION}-%{RELEASE}' -- "$p" 2>/dev/null | sed 's/^(none)://')"; done
  if [ ${latest ? '1' : ''} ]; then $m -q list --upgrades -- ${names} 2>/dev/null | sed -n 's/^\\([^ .]*\\)\\.[^ ]* *\\([^ ]*\\).*/U|\\1|\\2/p'; fi ;;
esac`;
}

export function parseProbe(stdout: string, names: string[]): PackageFacts {
  const facts: PackageFacts = { packages: names.map((name) => ({ name })) };
  const by = new Map(facts.packages.map((p) => [p.name, p]));
  let policyPkg: string | undefined;
  for (const line of stdout.split('\n')) {
    const [tag, a = '', b = '', c = ''] = line.split('|');
    if (tag === 'M' && a) facts.manager = a as Manager;
    else if (tag === 'I') {
      const p = by.get(a);
      if (!p || !b) continue;
      if (facts.manager === 'apt') {
        if (b.endsWith(' installed') && c) p.installed = c;
      } else if (!/not installed/.test(b)) p.installed = b;
    } else if (tag === 'P') policyPkg = a;
    else if (tag === 'C' && policyPkg && by.get(policyPkg) && a !== '(none)')
      by.get(policyPkg)!.candidate = a;
    else if (tag === 'U' && by.get(a)) by.get(a)!.candidate = b;
  }
  return facts;
}

function manage(m: Manager, verb: string, specs: string[], a: PackageArgs): ExecCommand {
  if (m === 'apt') {
    const opts = [
      '-y',
      '-q',
      '-o',
      'Dpkg::Options::=--force-confdef',
      '-o',
      'Dpkg::Options::=--force-confold',
    ];
    if (a.install_recommends !== undefined && verb === 'install')
      opts.push(a.install_recommends ? '--install-recommends' : '--no-install-recommends');
    if (verb === 'remove' && a.purge) opts.push('--purge');
    return sh`DEBIAN_FRONTEND=noninteractive ${argv(['apt-get', verb, ...opts, '--', ...specs])}`;
  }
  return argv([m, verb, '-y', '-q', '--', ...specs]);
}

/** The plan: which packages to install, upgrade or remove, one command per kind. */
export function planPackages(a: PackageArgs, f: PackageFacts): Plan {
  const specs = packageSpecs(a.name);
  const m = f.manager;
  if (!m) throw new ModuleError('no supported package manager (apt-get, dnf or yum) on the host');
  const info = new Map(f.packages.map((p) => [p.name, p]));
  const prelude: Step[] = a.update_cache
    ? [
        {
          kind: 'exec',
          id: 'update-cache',
          cmd: m === 'apt' ? sh`apt-get update -q` : argv([m, 'makecache', '-q']),
          invalidates: ['pkg:'],
        },
      ]
    : [];
  const changes: Change[] = [];
  const step = (cmd: ExecCommand): Step => ({ kind: 'exec', cmd, invalidates: ['pkg:', 'file:'] });
  if (a.state === 'absent' || a.state === 'removed') {
    const gone = specs.filter((s) => info.get(s.name)?.installed !== undefined);
    if (gone.length)
      changes.push({
        describe: `remove ${gone.map((s) => s.name).join(', ')}`,
        steps: [
          step(
            manage(
              m,
              'remove',
              gone.map((s) => s.name),
              a,
            ),
          ),
        ],
      });
  } else {
    const install = specs.filter((s) => {
      const have = info.get(s.name)?.installed;
      return (
        have === undefined || (m === 'apt' && s.version !== undefined && !versionMatches(have, s.version))
      );
    });
    if (install.length)
      changes.push({
        describe: `install ${install.map((s) => s.spec).join(', ')}`,
        steps: [
          step(
            manage(
              m,
              'install',
              install.map((s) => s.spec),
              a,
            ),
          ),
        ],
      });
    if (a.state === 'latest') {
      const up = specs.filter((s) => {
        const p = info.get(s.name);
        return (
          !install.includes(s) &&
          p?.installed !== undefined &&
          p.candidate !== undefined &&
          p.candidate !== p.installed
        );
      });
      if (up.length)
        changes.push({
          describe: `upgrade ${up.map((s) => `${s.name} ${info.get(s.name)!.installed} → ${info.get(s.name)!.candidate}`).join(', ')}`,
          steps: [
            step(
              manage(
                m,
                m === 'apt' ? 'install' : 'upgrade',
                up.map((s) => s.name),
                a,
              ),
            ),
          ],
        });
    }
  }
  return {
    changes,
    prelude,
    result: {
      cache_updated: a.update_cache,
      results: f.packages.map((p) => ({
        name: p.name,
        installed: p.installed ?? null,
        ...(p.candidate ? { candidate: p.candidate } : {}),
      })),
    },
  };
}

/** apt's `name=1.2*` pins: `*` matches any tail. */
function versionMatches(have: string, want: string): boolean {
  if (!want.includes('*')) return have === want;
  const re = new RegExp(
    '^' +
      want
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
  );
  return re.test(have);
}

/**
 * The module for one manager (`apt`, `dnf`) or for whichever the host has (`package`, `forced` undefined):
 * the one read-only probe exec, then `planPackages`.
 */
export function packageModule(
  name: string,
  forced: Manager | undefined,
  description: string,
  aliases?: string[],
): ModuleDefinition<typeof packageArgs, PackageFacts, unknown> {
  return defineModule<typeof packageArgs, PackageFacts, unknown>({
    name,
    ...(aliases ? { aliases } : {}),
    description,
    args: packageArgs,
    async probe(ctx, a) {
      const names = packageSpecs(a.name).map((s) => s.name);
      const r = await ctx.run(probeCommand(forced, names, a.state === 'latest'));
      return parseProbe(r.stdout, names);
    },
    plan: (a, f) => planPackages(a, f),
  });
}
