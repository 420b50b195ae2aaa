/**
 * Atomic file upload as a POSIX sh script, for transports that can only run commands on the target (local
 * become to another user; usable by ssh as well). The content arrives on stdin; the script compares the
 * SHA-256 and mode/owner of the destination first and prints `unchanged` when they already match, else it
 * writes a temp file in the destination's directory (same filesystem), sets mode/owner, syncs and renames
 * it into place, printing `changed`. The temp file is removed on any failure.
 */
import { createHash } from 'node:crypto';
import { sh, raw, type ExecCommand } from '../command';

export function sha256(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

export interface PutScriptOptions {
  mode?: number;
  owner?: string;
  group?: string;
  /**
   * Print the destination's `stat` line (`S mode uid gid size mtime inode user group type`, the format of
   * the file facts) before the last line, so the caller knows the file without asking again.
   */
  statLine?: boolean;
}

/** `0o644` → `0644`. */
export function octalMode(mode: number): string {
  return '0' + (mode & 0o7777).toString(8).padStart(3, '0');
}

/** The script that writes stdin to `dest` atomically; stdout's last line is `changed` or `unchanged`. */
export function putScript(dest: string, digest: string, opts: PutScriptOptions = {}): ExecCommand {
  const mode = opts.mode === undefined ? '' : octalMode(opts.mode);
  const owner = opts.owner ?? '';
  const group = opts.group ?? '';
  const st = opts.statLine ? raw(`stat -c 'S %a %u %g %s %Y %i %U %G %F' -- "$d" || exit 1; `) : raw('');
  // Unchanged when: the file exists, its hash matches, and (if asked) its mode/owner/group match.
  return sh`d=${dest}; want=${digest}; m=${mode}; o=${owner}; g=${group}
same=
if [ -f "$d" ]; then
  have=$(sha256sum < "$d" 2>/dev/null | cut -d' ' -f1)
  if [ "$have" = "$want" ]; then
    same=1
    if [ -n "$m" ] && [ "$(stat -c %a "$d")" != "$(printf %o "$m")" ]; then same=; fi
    if [ -n "$o" ] && [ "$(stat -c %U "$d")" != "$o" ] && [ "$(stat -c %u "$d")" != "$o" ]; then same=; fi
    if [ -n "$g" ] && [ "$(stat -c %G "$d")" != "$g" ] && [ "$(stat -c %g "$d")" != "$g" ]; then same=; fi
  fi
fi
if [ -n "$same" ]; then cat >/dev/null; ${st}echo unchanged; exit 0; fi
dir=$(dirname "$d")
t=$(mktemp "$dir/.remediate.XXXXXX") || exit 1
trap 'rm -f "$t"' EXIT HUP INT TERM
cat > "$t" || exit 1
# stdin cut short (the controller killed, the link dropped) ends cat too: never put a torn file in place
[ "$(sha256sum < "$t" | cut -d' ' -f1)" = "$want" ] || { echo "upload cut short: $d left as it was" >&2; exit 1; }
if [ -z "$m" ] && [ -e "$d" ]; then m=0$(stat -c %a "$d"); fi
[ -n "$m" ] || m=${raw(`0$(printf %o $((0666 & ~$(umask))))`)}
chmod "$m" "$t" || exit 1
if [ -z "$o" ] && [ -e "$d" ] && [ "$(id -u)" = 0 ]; then o=$(stat -c %u "$d"); fi
if [ -z "$g" ] && [ -e "$d" ] && [ "$(id -u)" = 0 ]; then g=$(stat -c %g "$d"); fi
if [ -n "$o" ]; then chown "$o" "$t" || exit 1; fi
if [ -n "$g" ]; then chgrp "$g" "$t" || exit 1; fi
sync "$t" 2>/dev/null || sync
mv -f "$t" "$d" || exit 1
trap - EXIT HUP INT TERM
${st}echo changed`;
}
