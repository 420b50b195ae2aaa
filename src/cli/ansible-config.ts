/**
 * ansible.cfg and ANSIBLE_* environment variables, read the way ansible-playbook reads them: the first of
 * $ANSIBLE_CONFIG, ./ansible.cfg (ignored in a world-writable directory, with a warning), ~/.ansible.cfg,
 * /etc/ansible/ansible.cfg; an environment variable beats the file, a command-line option beats both.
 * Only the settings remediate has a use for are read; relative paths are relative to the file's directory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../errors';
import type { Playbook } from '../playbook/types';
import type { RunOpts } from './run-command';

export interface AnsibleConfig {
  /** The file read, if any. */
  file?: string;
  inventory?: string[];
  remoteUser?: string;
  privateKeyFile?: string;
  forks?: number;
  rolesPath?: string[];
  hostKeyChecking?: boolean;
  /** Connect timeout, seconds. */
  timeout?: number;
  /** Default task timeout, seconds (0: none). */
  taskTimeout?: number;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  becomeAskPass?: boolean;
  retryFilesEnabled?: boolean;
  vaultPasswordFile?: string;
  /** Things the user should know (a skipped world-writable ./ansible.cfg). */
  warnings: string[];
}

type Ini = Record<string, Record<string, string>>;

/** Python configparser's subset that ansible.cfg files use: [sections], key = value / key: value, comments. */
export function parseIni(text: string, file: string): Ini {
  const out: Ini = {};
  let section: Record<string, string> | undefined;
  let lastKey: string | undefined;
  text.split(/\r?\n/).forEach((line, i) => {
    if (/^\s*([#;]|$)/.test(line)) return;
    const sec = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (sec) {
      section = out[sec[1].trim()] ??= {};
      lastKey = undefined;
      return;
    }
    if (/^\s/.test(line) && section && lastKey) {
      section[lastKey] += '\n' + line.trim(); // a continuation line
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!kv || !section)
      throw new UsageError(`${file}:${i + 1}: cannot read '${line.trim()}'`, {
        hint: 'ansible.cfg lines are [section] or key = value',
      });
    lastKey = kv[1].trim().toLowerCase();
    section[lastKey] = kv[2].replace(/\s+;.*$/, '').trim();
  });
  return out;
}

/** Ansible's boolean strings. */
export function ansibleBool(v: string, what: string): boolean {
  const s = v.trim().toLowerCase();
  if (['true', 'yes', 'on', '1', 'y', 't'].includes(s)) return true;
  if (['false', 'no', 'off', '0', 'n', 'f', ''].includes(s)) return false;
  throw new UsageError(`${what}: '${v}' is not a boolean`, { hint: 'use true or false' });
}

/** Which file ansible-playbook would read, and why a ./ansible.cfg was skipped. */
export function findConfigFile(cwd: string, env: NodeJS.ProcessEnv): { file?: string; warning?: string } {
  if (env.ANSIBLE_CONFIG) {
    const f = path.resolve(cwd, env.ANSIBLE_CONFIG.replace(/^~(?=\/|$)/, os.homedir()));
    const file = fs.existsSync(f) && fs.statSync(f).isDirectory() ? path.join(f, 'ansible.cfg') : f;
    if (fs.existsSync(file)) return { file };
  }
  let warning: string | undefined;
  const local = path.join(cwd, 'ansible.cfg');
  if (fs.existsSync(local)) {
    if ((fs.statSync(cwd).mode & 0o002) !== 0)
      warning = `Ansible is being run in a world writable directory (${cwd}), ignoring it as an ansible.cfg source.`;
    else return { file: local };
  }
  const home = path.join(env.HOME ?? os.homedir(), '.ansible.cfg');
  if (fs.existsSync(home)) return { file: home, warning };
  if (fs.existsSync('/etc/ansible/ansible.cfg')) return { file: '/etc/ansible/ansible.cfg', warning };
  return { warning };
}

/** The settings from the config file and the environment (environment first). */
export function loadAnsibleConfig(cwd: string, env: NodeJS.ProcessEnv): AnsibleConfig {
  const found = findConfigFile(cwd, env);
  const cfg: AnsibleConfig = { warnings: found.warning ? [found.warning] : [] };
  let ini: Ini = {};
  let base = cwd;
  if (found.file) {
    cfg.file = found.file;
    base = path.dirname(found.file);
    try {
      ini = parseIni(fs.readFileSync(found.file, 'utf8'), found.file);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`cannot read ${found.file}: ${(e as Error).message}`);
    }
  }
  // [section] key, and the ANSIBLE_* variable that overrides it
  const get = (section: string, key: string, envName: string): { v: string; where: string } | undefined => {
    const e = env[envName];
    if (e !== undefined && e !== '') return { v: e, where: envName };
    const v = ini[section]?.[key];
    return v === undefined ? undefined : { v, where: `${found.file} [${section}] ${key}` };
  };
  const fromFile = (where: string) => !where.startsWith('ANSIBLE_');
  const pathOf = (v: string, where: string) => {
    const p = v.replace(/^~(?=\/|$)/, os.homedir());
    return path.resolve(fromFile(where) ? base : cwd, p);
  };
  const str = (s: string, k: string, e: string) => get(s, k, e)?.v;
  const bool = (s: string, k: string, e: string) => {
    const g = get(s, k, e);
    return g ? ansibleBool(g.v, g.where) : undefined;
  };
  const num = (s: string, k: string, e: string) => {
    const g = get(s, k, e);
    if (!g) return undefined;
    const n = Number(g.v);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${g.where}: '${g.v}' is not a positive integer`);
    return n;
  };
  const paths = (s: string, k: string, e: string, sep: string) => {
    const g = get(s, k, e);
    return g
      ? g.v
          .split(sep)
          .map((x) => x.trim())
          .filter(Boolean)
          .map((x) => pathOf(x, g.where))
      : undefined;
  };

  cfg.inventory = paths('defaults', 'inventory', 'ANSIBLE_INVENTORY', ',');
  cfg.remoteUser = str('defaults', 'remote_user', 'ANSIBLE_REMOTE_USER');
  const key = get('defaults', 'private_key_file', 'ANSIBLE_PRIVATE_KEY_FILE');
  if (key) cfg.privateKeyFile = pathOf(key.v, key.where);
  cfg.forks = num('defaults', 'forks', 'ANSIBLE_FORKS');
  cfg.rolesPath = paths('defaults', 'roles_path', 'ANSIBLE_ROLES_PATH', ':');
  cfg.hostKeyChecking = bool('defaults', 'host_key_checking', 'ANSIBLE_HOST_KEY_CHECKING');
  cfg.timeout = num('defaults', 'timeout', 'ANSIBLE_TIMEOUT');
  const tt = get('defaults', 'task_timeout', 'ANSIBLE_TASK_TIMEOUT');
  if (tt) {
    const n = Number(tt.v);
    if (!Number.isInteger(n) || n < 0)
      throw new UsageError(`${tt.where}: '${tt.v}' is not a non-negative integer`);
    cfg.taskTimeout = n;
  }
  cfg.become = bool('privilege_escalation', 'become', 'ANSIBLE_BECOME');
  cfg.becomeUser = str('privilege_escalation', 'become_user', 'ANSIBLE_BECOME_USER');
  cfg.becomeMethod = str('privilege_escalation', 'become_method', 'ANSIBLE_BECOME_METHOD');
  cfg.becomeAskPass = bool('privilege_escalation', 'become_ask_pass', 'ANSIBLE_BECOME_ASK_PASS');
  cfg.retryFilesEnabled = bool('defaults', 'retry_files_enabled', 'ANSIBLE_RETRY_FILES_ENABLED');
  // ANSIBLE_VAULT_PASSWORD_FILE itself is read by the vault's password sources (src/vault)
  const vault = ini.defaults?.vault_password_file;
  if (vault && !env.ANSIBLE_VAULT_PASSWORD_FILE) cfg.vaultPasswordFile = pathOf(vault, 'file');
  for (const k of Object.keys(cfg) as (keyof AnsibleConfig)[]) if (cfg[k] === undefined) delete cfg[k];
  return cfg;
}

/** Command-line options win; the config fills what they leave unset. */
export function applyAnsibleConfig(o: RunOpts, cfg: AnsibleConfig): RunOpts {
  const out: RunOpts = { ...o };
  if (out.inventory.length === 0 && cfg.inventory) out.inventory = cfg.inventory;
  out.user ??= cfg.remoteUser;
  out.privateKey ??= cfg.privateKeyFile;
  out.forks ??= cfg.forks;
  if (out.hostKeyChecking === undefined && cfg.hostKeyChecking !== undefined)
    out.hostKeyChecking = cfg.hostKeyChecking ? 'strict' : 'off';
  out.connectTimeout ??= cfg.timeout;
  out.taskTimeout ??= cfg.taskTimeout;
  out.become ??= cfg.become;
  out.becomeUser ??= cfg.becomeUser;
  out.askBecomePass ??= cfg.becomeAskPass;
  // retry files are opt-in: the config's retry_files_enabled turns them on or off unless the flag says
  if (cfg.retryFilesEnabled !== undefined) out.retryFile ??= cfg.retryFilesEnabled;
  // the config's vault password file is the default password (as --vault-password-file) when none is named
  if (cfg.vaultPasswordFile && !out.vaultPasswordFile?.length && !out.vaultId?.length && !out.askVaultPass)
    out.vaultPasswordFile = [cfg.vaultPasswordFile];
  return out;
}

/** `become_method` from the config: the default of plays that do not set one (sudo and su are supported). */
export function applyConfigBecomeMethod(pb: Playbook, cfg: AnsibleConfig): void {
  const m = cfg.becomeMethod;
  if (m === undefined) return;
  if (m !== 'sudo' && m !== 'su')
    throw new UsageError(`become_method '${m}' is not supported`, {
      hint: 'remediate becomes with sudo or su',
    });
  for (const play of pb.plays) play.becomeMethod ??= m;
}
