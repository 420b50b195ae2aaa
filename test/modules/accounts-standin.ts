/**
 * Stand-ins for getent, id, crontab and the shadow-utils commands (groupadd/groupmod/groupdel, useradd/usermod/
 * userdel) over passwd/group files in a temp dir, so the user and group modules run their real probe and
 * steps without touching this machine's accounts. `accountsTransport` is the local transport with the
 * stand-ins first on PATH (a production seam: the transport).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ExecCommand } from '../../src/command';
import { LocalTransport } from '../../src/transport/local';
import type { ExecOptions } from '../../src/transport/types';

const tools: Record<string, string> = {
  getent: `db=$1; shift; [ "$1" = -- ] && shift; [ "$db" = shadow ] && db=shadow; grep "^$1:" "$D/$db" 2>/dev/null || exit 2`,
  id: `case $1 in -gn|-Gn) ;; *) exec /usr/bin/id "$@" ;; esac
mode=$1; shift; [ "$1" = -- ] && shift; l=$(grep "^$1:" "$D/passwd") || exit 1
gid=$(echo "$l" | cut -d: -f4); g=$(awk -F: -v g="$gid" '$3==g{print $1}' "$D/group")
case $mode in -gn) echo "$g" ;; -Gn) echo "$g" $(grep -l . "$D/ug.$1" >/dev/null 2>&1 && tr , ' ' < "$D/ug.$1") ;; esac`,
  groupadd: `g=1500; while [ $# -gt 0 ]; do case $1 in -g) g=$2; shift ;; --) n=$2; break ;; esac; shift; done
echo "$n:x:$g:" >> "$D/group"`,
  groupmod: `while [ $# -gt 0 ]; do case $1 in -g) g=$2; shift ;; --) n=$2; break ;; esac; shift; done
sed -i "s/^$n:x:[0-9]*:/$n:x:$g:/" "$D/group"`,
  groupdel: `for n; do :; done; sed -i "/^$n:/d" "$D/group"`,
  useradd: `u=1600; g=users; c=; h=; s=/bin/sh; G=; p=
while [ $# -gt 0 ]; do case $1 in -u) u=$2; shift ;; -g) g=$2; shift ;; -G) G=$2; shift ;; -c) c=$2; shift ;;
-d) h=$2; shift ;; -s) s=$2; shift ;; -p) p=$2; shift ;; --) n=$2; break ;; esac; shift; done
gid=$(awk -F: -v g="$g" '$1==g||$3==g{print $3}' "$D/group"); [ -n "$gid" ] || { echo "group $g does not exist" >&2; exit 6; }
echo "$n:x:$u:$gid:$c:\${h:-/home/$n}:$s" >> "$D/passwd"; printf %s "$G" > "$D/ug.$n"; echo "$n:\${p:-!}:1::::::" >> "$D/shadow"`,
  usermod: `while [ $# -gt 0 ]; do case $1 in -s) s=$2; shift ;; -G) G=$2; shift ;; -c) c=$2; shift ;; -p) p=$2; shift ;; --) n=$2; break ;; esac; shift; done
[ -n "$s" ] && sed -i "/^$n:/s|:[^:]*$|:$s|" "$D/passwd"; [ -n "$c" ] && sed -i "/^$n:/s|^\\([^:]*:[^:]*:[^:]*:[^:]*:\\)[^:]*|\\1$c|" "$D/passwd"
[ -n "$G" ] && printf %s "$G" > "$D/ug.$n"; [ -n "$p" ] && sed -i "/^$n:/s|^$n:[^:]*|$n:$p|" "$D/shadow"; :`,
  crontab: `u=$(id -un); [ "$1" = -u ] && { u=$2; shift 2; }
case $1 in -l) cat "$D/cron.$u" 2>/dev/null || { echo "no crontab for $u" >&2; exit 1; } ;; -) cat > "$D/cron.$u" ;; esac`,
  userdel: `for n; do :; done; sed -i "/^$n:/d" "$D/passwd"`,
};

export function installAccountStandins(dir: string): string {
  const bin = path.join(dir, 'acct-bin');
  const db = path.join(dir, 'acct-db');
  mkdirSync(bin, { recursive: true });
  mkdirSync(db, { recursive: true });
  writeFileSync(path.join(db, 'group'), 'root:x:0:\nusers:x:100:\nwheel:x:10:\nadm:x:4:\n');
  writeFileSync(path.join(db, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(path.join(db, 'shadow'), 'root:*:1::::::\n');
  for (const [name, body] of Object.entries(tools)) {
    writeFileSync(path.join(bin, name), `#!/bin/sh\nD=${db}\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  }
  return bin;
}

export class AccountsTransport extends LocalTransport {
  constructor(private readonly bin: string) {
    super('localhost');
  }
  override exec(cmd: ExecCommand, opts: ExecOptions = {}) {
    return super.exec(cmd, {
      ...opts,
      env: { ...(opts.env ?? {}), PATH: `${this.bin}:${process.env.PATH}` },
    });
  }
}
