/**
 * The module registry: one explicit map, checked with `satisfies`. Each module is one file in this folder.
 * `findModule` answers to the short name, `ansible.builtin.<name>`, `ansible.posix.<name>` style FQCNs and aliases.
 */
import type { ModuleDefinition } from './types';
import add_host from './add_host';
import apt from './apt';
import assemble from './assemble';
import assert from './assert';
import blockinfile from './blockinfile';
import command from './command';
import copy from './copy';
import cron from './cron';
import debug from './debug';
import dnf from './dnf';
import fail from './fail';
import fetch from './fetch';
import get_url from './get_url';
import group from './group';
import group_by from './group_by';
import file from './file';
import find from './find';
import lineinfile from './lineinfile';
import unit_flag from './unit_flag';
import include_vars from './include_vars';
import kubeconfig_server from './kubeconfig_server';
import meta from './meta';
import pkg from './package';
import pause from './pause';
import raw from './raw';
import script from './script';
import reboot from './reboot';
import replace from './replace';
import service from './service';
import set_fact from './set_fact';
import set_stats from './set_stats';
import setup from './setup';
import shell from './shell';
import slurp from './slurp';
import stat from './stat';
import systemd from './systemd';
import template from './template';
import tempfile from './tempfile';
import unarchive from './unarchive';
import uri from './uri';
import wait_for_connection from './wait_for_connection';
import user from './user';
import wait_for from './wait_for';
import kubectl from './kubectl';
import known_hosts from './known_hosts';
import tls_check from './tls_check';
import x509_info from './x509_info';
import x509_key_match from './x509_key_match';
import x509_reissue from './x509_reissue';
import x509_sans from './x509_sans';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const modules = {
  // first set (area 3)
  command,
  shell,
  raw,
  copy,
  template,
  file,
  stat,
  lineinfile,
  slurp,
  fetch,
  systemd,
  wait_for,
  uri,
  assert,
  debug,
  set_fact,
  fail,
  meta,
  // x509 / Kubernetes (area 7)
  x509_info,
  x509_key_match,
  x509_sans,
  x509_reissue,
  tls_check,
  kubectl,
  // address-migration editors (issue 12)
  unit_flag,
  kubeconfig_server,
  // everyday modules (issue 11)
  replace,
  blockinfile,
  user,
  group,
  package: pkg,
  apt,
  dnf,
  find,
  tempfile,
  cron,
  pause,
  script,
  assemble,
  known_hosts,
  get_url,
  unarchive,
  include_vars,
  service,
  wait_for_connection,
  reboot,
  // facts and in-memory inventory (issue 11)
  setup,
  add_host,
  group_by,
  set_stats,
} satisfies Record<string, ModuleDefinition<any, any, any>>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function findModule(name: string): ModuleDefinition<any, any, any> | undefined {
  const short = name.replace(
    /^(ansible\.builtin|ansible\.posix|ansible\.utils|community\.general|remediate)\./,
    '',
  );
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const all = modules as Record<string, ModuleDefinition<any, any, any>>;
  return all[short] ?? Object.values(all).find((m) => m.aliases?.includes(short));
}

export function moduleNames(): string[] {
  return Object.keys(modules);
}
