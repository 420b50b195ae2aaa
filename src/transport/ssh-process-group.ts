/**
 * Stopping a remote command for real. OpenSSH ignores a client's channel signal requests and closing a
 * non-pty channel does not stop the command, so every command first reports the id of its process group
 * on one marked stderr line (builtins only: no fork, no extra round trip). On timeout or abort the
 * transport opens a second channel on the same connection, through the same become, and sends TERM to
 * the whole group, then KILL after a short grace.
 *
 * The group is the one the command really runs in, read from /proc (or `ps`), not assumed: sshd starts
 * each session in a new session/group (setsid), `su -c` and a `sudo` on a pty start their own, and a plain
 * `sudo` keeps the session's. Each of those groups holds only processes of this one command (the login
 * shell, sudo, the command and its children, background jobs included), never another channel's.
 */
import { randomBytes } from 'node:crypto';

/** Unique to this process: a command cannot guess it, so only our own line is ever taken out. */
const MARKER = `REMEDIATE-PGID-${randomBytes(6).toString('hex')}`;

/** Seconds between TERM and KILL for the group. */
export const KILL_GRACE_SECONDS = 2;

/**
 * Prepended to the command's script (inside the become wrapper): prints `MARKER:ID` on stderr, where the
 * group to stop at the end is the one process ID is in (resolved by the kill, see killGroupScript).
 *
 * Without become the shell is the leader of the session sshd started for the channel (sshd calls setsid;
 * the command line is the login shell's, or `exec /bin/sh -c ...`, so our shell is the login shell
 * itself), so `$$` is enough: one builtin, nothing read (the hot path). With become the shell may not lead
 * its group (a plain sudo keeps the session's) and may exit before its children, so the group id itself
 * is read now: /proc/$$/stat (field 5), else `ps`. That costs a few hundred one-byte reads in dash, noise
 * next to sudo's own start-up.
 *
 * `reportShell` (never with become, where sudo has replaced the environment): the line is
 * `MARKER:ID:SHELL`, with the login shell sshd set in `$SHELL` from the passwd entry (see execOnChannel).
 */
export function pgidPrelude(become: boolean, reportShell = false): string {
  if (!become)
    return reportShell
      ? `printf '%s:%s:%s\\n' ${MARKER} $$ "$SHELL" >&2; `
      : `printf '%s:%s\\n' ${MARKER} $$ >&2; `;
  return (
    `{ read -r _rmpg _rmpg _rmpg _rmpg _rmpgid _rmpg < /proc/$$/stat || _rmpgid=$(ps -o pgid= -p $$); } 2>/dev/null; ` +
    `printf '%s:%s\\n' ${MARKER} \${_rmpgid:-$$} >&2; unset _rmpg _rmpgid; `
  );
}

/**
 * Takes the marker line out of a stream (stderr; for a pty, the merged output) and keeps its id.
 * Lines before it (a login shell's rc file talking) pass through; only a line start that may be the
 * marker is held back until it is known. Past 64 KiB without it, the stream is left alone.
 */
export class PgidLine {
  /** The process (or group) id the command reported. */
  pgid?: number;
  /** The login shell, when the line reported it (`MARKER:ID:SHELL`). */
  loginShell?: string;
  private done = false;
  private pending = '';
  private atLineStart = true;
  private scanned = 0;

  filter(chunk: string): string {
    if (this.done) return chunk;
    let text = this.pending + chunk;
    this.pending = '';
    let out = '';
    while (text) {
      if (!this.atLineStart) {
        const nl = text.indexOf('\n');
        if (nl < 0) return this.passed(out + text);
        out += text.slice(0, nl + 1);
        text = text.slice(nl + 1);
        this.atLineStart = true;
        continue;
      }
      const nl = text.indexOf('\n');
      if (nl < 0) {
        if (MARKER.startsWith(text) || text.startsWith(MARKER)) {
          this.pending = text;
          return this.passed(out);
        }
        this.atLineStart = false;
        return this.passed(out + text);
      }
      const line = text.slice(0, nl).replace(/\r$/, '');
      if (line.startsWith(`${MARKER}:`)) {
        const rest = line.slice(MARKER.length + 1);
        const colon = rest.indexOf(':');
        const n = Number(colon < 0 ? rest : rest.slice(0, colon));
        if (Number.isInteger(n) && n > 1) this.pgid = n;
        if (colon >= 0) this.loginShell = rest.slice(colon + 1);
        this.done = true;
        return out + text.slice(nl + 1);
      }
      out += text.slice(0, nl + 1);
      text = text.slice(nl + 1);
    }
    return this.passed(out);
  }

  private passed(out: string): string {
    this.scanned += out.length;
    if (this.scanned > 65536) return out + this.flush();
    return out;
  }

  /** The stream ended: give back what was held. */
  flush(): string {
    const p = this.pending;
    this.pending = '';
    this.done = true;
    return p;
  }
}

/** Exit code of the kill script when the group exists but may not be signalled by this user. */
export const KILL_NOT_PERMITTED = 3;

/**
 * TERM to the group of process `id` (its current group when it still runs, else `id` itself: a group
 * outlives its leader under the leader's pid), then KILL if the group is still there after the grace.
 * POSIX sh: dash's `kill` takes no `--`, hence `kill -TERM -PGID`. Exit 0: gone (or already gone);
 * KILL_NOT_PERMITTED: members are left that this user may not signal (a setuid program); 4: still there.
 */
export function killGroupScript(id: number): string {
  if (!Number.isInteger(id) || id <= 1) throw new Error(`invalid process id ${id}`);
  const tries = KILL_GRACE_SECONDS * 10;
  return (
    `g=; { read -r x x x x g x < /proc/${id}/stat || g=$(ps -o pgid= -p ${id}); } 2>/dev/null; ` +
    `g=$((\${g:-${id}} + 0)); [ "$g" -gt 1 ] || g=${id}; ` +
    // alive: 0 some member can be signalled, 2 members left that this user may not signal, 1 gone. Zombies
    // waiting for a slow reaper (pid 1 of a container) count as gone when `ps` can tell them apart.
    `alive() { e=$(kill -0 -$g 2>&1) || { case $e in *ermi*) return 2;; esac; return 1; }; ` +
    `o=$(ps -e -o pgid= -o stat= 2>/dev/null) && [ -n "$o" ] || return 0; ` +
    `printf '%s\\n' "$o" | { while read -r p st; do [ "$p" = "$g" ] && [ "\${st#Z}" = "$st" ] && exit 0; done; exit 1; }; }; ` +
    `nap() { sleep 0.1 2>/dev/null || { sleep 1; i=$((i+9)); }; i=$((i+1)); }; ` +
    `kill -TERM -$g 2>/dev/null; i=0; ` +
    `while alive; do [ $i -lt ${tries} ] || break; nap; done; ` +
    `if [ $i -ge ${tries} ]; then kill -KILL -$g 2>/dev/null; i=0; while alive && [ $i -lt 10 ]; do nap; done; fi; ` +
    `alive; case $? in 1) exit 0;; 2) exit ${KILL_NOT_PERMITTED};; esac; exit 4`
  );
}
