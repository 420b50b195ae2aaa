/**
 * The module registry: one explicit map, checked with `satisfies`. Each module is one file in this folder,
 * loaded on first use (a run pays for the modules its playbook names, not all ~50: their zod schemas are
 * built at load). `findModule` answers to the short name, `ansible.builtin.<name>`, `ansible.posix.<name>`
 * style FQCNs and aliases.
 */
import type { ModuleDefinition } from './types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModuleDefinition = ModuleDefinition<any, any, any>;

const loaders = {
  // first set (area 3)
  command: () => (require('./command') as typeof import('./command')).default,
  shell: () => (require('./shell') as typeof import('./shell')).default,
  raw: () => (require('./raw') as typeof import('./raw')).default,
  copy: () => (require('./copy') as typeof import('./copy')).default,
  template: () => (require('./template') as typeof import('./template')).default,
  file: () => (require('./file') as typeof import('./file')).default,
  stat: () => (require('./stat') as typeof import('./stat')).default,
  lineinfile: () => (require('./lineinfile') as typeof import('./lineinfile')).default,
  slurp: () => (require('./slurp') as typeof import('./slurp')).default,
  fetch: () => (require('./fetch') as typeof import('./fetch')).default,
  systemd: () => (require('./systemd') as typeof import('./systemd')).default,
  wait_for: () => (require('./wait_for') as typeof import('./wait_for')).default,
  uri: () => (require('./uri') as typeof import('./uri')).default,
  assert: () => (require('./assert') as typeof import('./assert')).default,
  debug: () => (require('./debug') as typeof import('./debug')).default,
  set_fact: () => (require('./set_fact') as typeof import('./set_fact')).default,
  fail: () => (require('./fail') as typeof import('./fail')).default,
  meta: () => (require('./meta') as typeof import('./meta')).default,
  // x509 / Kubernetes (area 7)
  x509_info: () => (require('./x509_info') as typeof import('./x509_info')).default,
  x509_key_match: () => (require('./x509_key_match') as typeof import('./x509_key_match')).default,
  x509_sans: () => (require('./x509_sans') as typeof import('./x509_sans')).default,
  x509_reissue: () => (require('./x509_reissue') as typeof import('./x509_reissue')).default,
  tls_check: () => (require('./tls_check') as typeof import('./tls_check')).default,
  kubectl: () => (require('./kubectl') as typeof import('./kubectl')).default,
  // address-migration editors (issue 12)
  unit_flag: () => (require('./unit_flag') as typeof import('./unit_flag')).default,
  kubeconfig_server: () => (require('./kubeconfig_server') as typeof import('./kubeconfig_server')).default,
  // everyday modules (issue 11)
  replace: () => (require('./replace') as typeof import('./replace')).default,
  blockinfile: () => (require('./blockinfile') as typeof import('./blockinfile')).default,
  user: () => (require('./user') as typeof import('./user')).default,
  group: () => (require('./group') as typeof import('./group')).default,
  package: () => (require('./package') as typeof import('./package')).default,
  apt: () => (require('./apt') as typeof import('./apt')).default,
  dnf: () => (require('./dnf') as typeof import('./dnf')).default,
  find: () => (require('./find') as typeof import('./find')).default,
  tempfile: () => (require('./tempfile') as typeof import('./tempfile')).default,
  cron: () => (require('./cron') as typeof import('./cron')).default,
  pause: () => (require('./pause') as typeof import('./pause')).default,
  script: () => (require('./script') as typeof import('./script')).default,
  assemble: () => (require('./assemble') as typeof import('./assemble')).default,
  known_hosts: () => (require('./known_hosts') as typeof import('./known_hosts')).default,
  get_url: () => (require('./get_url') as typeof import('./get_url')).default,
  unarchive: () => (require('./unarchive') as typeof import('./unarchive')).default,
  include_vars: () => (require('./include_vars') as typeof import('./include_vars')).default,
  service: () => (require('./service') as typeof import('./service')).default,
  wait_for_connection: () =>
    (require('./wait_for_connection') as typeof import('./wait_for_connection')).default,
  reboot: () => (require('./reboot') as typeof import('./reboot')).default,
  // facts and in-memory inventory (issue 11)
  setup: () => (require('./setup') as typeof import('./setup')).default,
  add_host: () => (require('./add_host') as typeof import('./add_host')).default,
  group_by: () => (require('./group_by') as typeof import('./group_by')).default,
  set_stats: () => (require('./set_stats') as typeof import('./set_stats')).default,
} satisfies Record<string, () => AnyModuleDefinition>;

type Loaders = typeof loaders;
export type ModuleName = keyof Loaders;

/**
 * Module aliases (other short names), known without loading the modules. Each module's `aliases` must
 * list exactly these (test/modules/registry.test.ts).
 */
export const MODULE_ALIASES: Partial<Record<ModuleName, readonly string[]>> = {
  kubectl: ['k8s_kubectl'],
  systemd: ['systemd_service'],
  unit_flag: ['systemd_flag'],
  x509_info: ['x509_certificate_info'],
  x509_reissue: ['apiserver_cert'],
  x509_sans: ['apiserver_sans'],
  dnf: ['yum'],
  setup: ['gather_facts'],
};

const loaded = new Map<string, AnyModuleDefinition>();
function load(name: ModuleName): AnyModuleDefinition {
  let def = loaded.get(name);
  if (!def) {
    def = loaders[name]();
    loaded.set(name, def);
  }
  return def;
}

/** Every module by short name; a module is loaded when its property is first read. */
export const modules = {} as { readonly [K in ModuleName]: ReturnType<Loaders[K]> };
for (const name of Object.keys(loaders) as ModuleName[]) {
  Object.defineProperty(modules, name, { enumerable: true, get: () => load(name) });
}

const aliasOf = new Map<string, ModuleName>();
for (const [name, aliases] of Object.entries(MODULE_ALIASES) as [ModuleName, readonly string[]][])
  for (const a of aliases) aliasOf.set(a, name);

export function findModule(name: string): AnyModuleDefinition | undefined {
  const short = name.replace(
    /^(ansible\.builtin|ansible\.posix|ansible\.utils|community\.general|remediate)\./,
    '',
  );
  const key = Object.prototype.hasOwnProperty.call(loaders, short)
    ? (short as ModuleName)
    : aliasOf.get(short);
  return key ? load(key) : undefined;
}

export function moduleNames(): string[] {
  return Object.keys(loaders);
}
