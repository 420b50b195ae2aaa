/**
 * Atomic file upload as a POSIX sh script, for transports that can only run commands on the target (local
 * become to another user; usable by ssh as well). The content arrives on stdin; the script compares the
 * SHA-256 and mode/owner of the destination first and prints `unchanged` when they already match, else it
 * writes a temp file in the destination's directory (same filesystem), sets mode/owner, syncs and renames
 * it into place, printing `changed`. The temp file is removed on any failure.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execCommand, sh, raw, type ExecCommand } from '../command';

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

/** `stat -c` format of a file's stat line, `S mode uid gid size mtime inode user group type` (parseStat reads it). */
export const STAT_LINE_FORMAT = 'S %a %u %g %s %Y %i %U %G %F';

/** `0o644` → `0644`. */
export function octalMode(mode: number): string {
  return '0' + (mode & 0o7777).toString(8).padStart(3, '0');
}

/**
 * The temp file's random suffix: 12 hex digits in the script, `XXXXXXXXXXXX` in its display, so a shown or
 * journaled upload reads the same every time (and a preview the same as the run).
 */
function tempSuffix(): ExecCommand {
  return execCommand(randomBytes(6).toString('hex'), 'XXXXXXXXXXXX');
}

/**
 * The script that writes stdin (`size` bytes) to `dest` atomically; stdout's last line is `changed` or
 * `unchanged`. Every process it starts is a fork on the target, once per host and upload: the destination is
 * read with one `stat` and one `sha256sum`, the temp file checked with the `stat` that also reports it.
 */
export function putScript(
  dest: string,
  digest: string,
  size: number,
  opts: PutScriptOptions = {},
): ExecCommand {
  const mode = opts.mode === undefined ? '' : octalMode(opts.mode);
  // as `stat -c %a` prints it
  const modeA = opts.mode === undefined ? '' : (opts.mode & 0o7777).toString(8);
  const owner = opts.owner ?? '';
  const group = opts.group ?? '';
  const st = opts.statLine ? raw(`stat -c '${STAT_LINE_FORMAT}' -- "$d" || exit 1; `) : raw('');
  // Unchanged when: the file exists, its hash matches, and (if asked) its mode/owner/group match.
  return sh`d=${dest}; want=${digest}; n=${String(size)}; m=${mode}; ma=${modeA}; o=${owner}; g=${group}
same=
cm=; have=
if [ -e "$d" ]; then
  if cur=$(stat -c '%a %u %g %U %G' -- "$d" 2>/dev/null); then set -- $cur; cm=$1; cu=$2; cg=$3; cU=$4; cG=$5; fi
  if [ -f "$d" ]; then have=$(sha256sum < "$d" 2>/dev/null); have=\${have%% *}; fi
  if [ "$have" = "$want" ]; then
    same=1
    if [ -n "$m" ] && [ "$cm" != "$ma" ]; then same=; fi
    if [ -n "$o" ] && [ "$cU" != "$o" ] && [ "$cu" != "$o" ]; then same=; fi
    if [ -n "$g" ] && [ "$cG" != "$g" ] && [ "$cg" != "$g" ]; then same=; fi
  fi
fi
if [ -n "$same" ]; then cat >/dev/null; ${st}echo unchanged; exit 0; fi
case $d in */*) dir=\${d%/*}; [ -n "$dir" ] || dir=/ ;; *) dir=. ;; esac
[ -d "$dir" ] || { echo "Destination directory $dir does not exist" >&2; exit 1; }
# a name no one can guess (random from the controller, shown as XXXX), created here with O_EXCL (noclobber):
# 0666 less the umask, as a redirection makes a new file, so a new file without a mode needs no chmod; a name
# taken fails the script (and is left alone)
t="$dir/.remediate.${tempSuffix()}"
set -C
# (the shell's own message, taken again only on failure, is kept without its line number)
{ true > "$t"; } 2>/dev/null || { e=$({ true > "$t"; } 2>&1); echo "cannot create a temporary file in $dir: \${e##*: }" >&2; exit 1; }
set +C
# the temp file goes whatever ends the script: a cut connection closes its pipes, and the next write is a SIGPIPE
trap 'rm -f "$t"' EXIT
trap 'exit 1' HUP INT TERM PIPE
cat > "$t" || exit 1
if [ -n "$cm" ]; then
  [ -n "$m" ] || m=0$cm
  if { [ -z "$o" ] || [ -z "$g" ]; } && [ "$(id -u)" = 0 ]; then o=\${o:-$cu}; g=\${g:-$cg}; fi
fi
if [ -n "$m" ]; then chmod "$m" "$t" || exit 1; fi
if [ -n "$o" ]; then chown "$o\${g:+:$g}" "$t" || exit 1; elif [ -n "$g" ]; then chgrp "$g" "$t" || exit 1; fi
sync "$t" 2>/dev/null || sync
s=$(stat -c ${STAT_LINE_FORMAT} -- "$t") || exit 1
set -- $s
# stdin cut short (the controller killed, the link dropped) ends cat too: never put a torn file in place
[ "$5" = "$n" ] || { echo "upload cut short ($5 of $n bytes): $d left as it was" >&2; exit 1; }
mv -f "$t" "$d" || exit 1
trap - EXIT HUP INT TERM PIPE
${opts.statLine ? raw(`printf '%s\\n' "$s"; `) : raw('')}echo changed`;
}
