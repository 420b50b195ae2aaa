/**
 * The lab masters' `systemctl` (bind-mounted over /usr/bin/systemctl and on the PATH): runs the units
 * described by /etc/systemd/system/NAME.service (EnvironmentFile=, ExecStart=; Environment= of the
 * NAME.service.d/*.conf drop-ins) and answers what the
 * `systemd` module asks (`is-active`, `is-enabled`, `show -p LoadState`/`--property=`) as real systemd
 * would: enablement from the `*.wants/` links, `is-active` from the real process.
 *
 * A unit's pid file holds "PID STARTTIME" (/proc/PID/stat field 22): there is no pid namespace, the host's
 * pids wrap within a minute under load, so a bare pid read later may name some other process (an sshd
 * session of a test, say). Nothing is signalled unless it is still the process this script started.
 * (`@{` in the source stands for a shell `${`, which a template literal would interpolate.)
 */
export const SYSTEMCTL = String.raw`#!/bin/sh
# systemctl stand-in of the remediate lab: start|stop|restart|is-active|is-failed|is-enabled|show|status|
# enable|disable|daemon-reload for units described by /etc/systemd/system/NAME.service.
RUN=@{LAB_SYSTEMCTL_RUN:-/run/lab/units}
SYS=@{LAB_SYSTEMCTL_UNITS:-/etc/systemd/system}
mkdir -p "$RUN"
quiet=0; value=0; props=; verb=; units=; want=; opts=1
for a in "$@"; do
  if [ -n "$want" ]; then props="$props,$a"; want=; continue; fi
  if [ $opts = 1 ]; then
    case "$a" in
      --) opts=0; continue ;;
      -q|--quiet) quiet=1; continue ;;
      --value) value=1; continue ;;
      -p|--property) want=1; continue ;;
      --property=*) props="$props,@{a#--property=}"; continue ;;
      -p*) props="$props,@{a#-p}"; continue ;;
      -*) continue ;;
    esac
  fi
  if [ -z "$verb" ]; then verb=$a; else units="$units $a"; fi
done
base() { b=$1; b=@{b%.service}; echo "$b"; }
unitfile() { echo "$SYS/$(base "$1").service"; }
# start time (clock ticks since boot) of a live pid, empty when there is no such process
starttime() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }
# the unit's main pid, only while it is still the process that was started (same pid and start time)
mainpid() {
  f=$RUN/$(base "$1").pid
  [ -f "$f" ] && read -r p t <"$f" || return 1
  [ -n "$p" ] && [ -n "$t" ] && [ "$(starttime "$p")" = "$t" ] && echo "$p"
}
alive() { mainpid "$1" >/dev/null; }
state() {
  if alive "$1"; then echo active
  elif [ -f "$RUN/$(base "$1").pid" ]; then echo failed
  else echo inactive; fi
}
loaded() { [ -f "$(unitfile "$1")" ]; }
enabled_state() {
  loaded "$1" || { echo not-found; return; }
  u=$(base "$1").service
  for l in "$SYS"/*.wants/"$u"; do [ -e "$l" ] && { echo enabled; return; }; done
  if grep -q '^WantedBy=\|^RequiredBy=' "$(unitfile "$1")"; then echo disabled; else echo static; fi
}
need_unit() {
  loaded "$1" && return 0
  echo "Failed to $verb $(base "$1").service: Unit $(base "$1").service not found." >&2
  exit 5
}
start() {
  need_unit "$1"
  alive "$1" && return 0
  u=$(base "$1"); f=$(unitfile "$1")
  envf=$(sed -n 's/^EnvironmentFile=-\{0,1\}//p' "$f" | head -n1)
  cmd=$(sed -n 's/^ExecStart=//p' "$f" | head -n1)
  rm -f "$RUN/$u.ready"
  (
    if [ -n "$envf" ] && [ -f "$envf" ]; then set -a; . "$envf"; set +a; fi
    # drop-ins (NAME.service.d/*.conf, in name order): their Environment= lines
    for d in "$SYS/$u.service.d"/*.conf; do
      [ -f "$d" ] || continue
      envs=$(sed -n 's/^Environment=//p' "$d")
      while IFS= read -r e; do [ -n "$e" ] && eval "export $e"; done <<ENVS
$envs
ENVS
    done
    NOTIFY_FILE="$RUN/$u.ready"; export NOTIFY_FILE
    eval "set -- $cmd"
    # not fd 9: the unit's job lock (see locked) must not outlive the job in the daemon
    setsid "$@" </dev/null >>"$RUN/$u.log" 2>&1 9>&- &
    echo "$! $(starttime $!)" >"$RUN/$u.pid"
  )
  i=0
  while [ $i -lt 100 ]; do
    [ -f "$RUN/$u.ready" ] && return 0
    if ! alive "$1"; then
      echo "Job for $u.service failed because the control process exited with error code." >&2
      echo "See \"systemctl status $u.service\" and \"journalctl -xe\" for details." >&2
      exit 1
    fi
    sleep 0.05; i=$((i + 1))
  done
  return 0
}
stop() {
  need_unit "$1"
  u=$(base "$1")
  # the main process is a session (and group) leader: its group is the unit. A group id cannot be reused
  # while any member lives, so once the leader is verified the group stays ours until it is empty.
  if p=$(mainpid "$1"); then
    kill -TERM "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null
    i=0
    while kill -0 "-$p" 2>/dev/null; do
      if [ $i -ge 100 ]; then kill -KILL "-$p" 2>/dev/null; break; fi
      sleep 0.05; i=$((i + 1))
    done
  fi
  rm -f "$RUN/$u.pid" "$RUN/$u.ready"
}
show() {
  u=$(base "$1"); s=$(state "$1"); p=$(mainpid "$1") || p=0
  if loaded "$1"; then ls=loaded; fp=$(unitfile "$1"); else ls=not-found; fp=; fi
  case $s in active) sub=running ;; failed) sub=failed ;; *) sub=dead ;; esac
  es=$(enabled_state "$1"); [ "$es" = not-found ] && es=
  desc=$(sed -n 's/^Description=//p' "$(unitfile "$1")" 2>/dev/null | head -n1)
  all="Id=$u.service
Names=$u.service
Description=@{desc:-$u.service}
LoadState=$ls
ActiveState=$s
SubState=$sub
UnitFileState=$es
FragmentPath=$fp
MainPID=$p
ExecMainPID=$p"
  if [ -z "$props" ]; then echo "$all"; return; fi
  for k in $(echo "$props" | tr ',' ' '); do
    line=$(echo "$all" | grep "^$k=") || line="$k="
    if [ $value = 1 ]; then echo "@{line#*=}"; else echo "$line"; fi
  done
}
restart1() { stop "$1"; start "$1"; }
# systemd runs one job per unit at a time, and a job goes on when its client is gone (a killed controller's
# restart still finishes): so jobs here take the unit's lock, and a second restart waits for the first.
locked() {
  ( flock 9 && "$@" ) 9>"$RUN/$(base "$2").lock" || exit $?
}
rc=0
case "$verb" in
  start) for u in $units; do locked start "$u"; done ;;
  stop) for u in $units; do locked stop "$u"; done ;;
  restart|reload-or-restart|try-restart) for u in $units; do locked restart1 "$u"; done ;;
  is-active)
    for u in $units; do s=$(state "$u"); [ $quiet = 1 ] || echo "$s"; [ "$s" = active ] || rc=3; done ;;
  is-failed)
    for u in $units; do s=$(state "$u"); [ $quiet = 1 ] || echo "$s"; [ "$s" = failed ] || rc=1; done ;;
  is-enabled)
    for u in $units; do
      e=$(enabled_state "$u")
      if [ "$e" = not-found ]; then
        echo "Failed to get unit file state for $(base "$u").service: No such file or directory" >&2; rc=1
      else
        [ $quiet = 1 ] || echo "$e"
        [ "$e" = enabled ] || [ "$e" = static ] || rc=1
      fi
    done ;;
  show) for u in $units; do show "$u"; done ;;
  status)
    for u in $units; do
      need_unit "$u"; s=$(state "$u")
      echo "* $(base "$u").service"
      echo "   Loaded: loaded ($(unitfile "$u"); $(enabled_state "$u"))"
      case $s in
        active) echo "   Active: active (running)"; echo " Main PID: $(mainpid "$u")" ;;
        failed) echo "   Active: failed (Result: exit-code)"; rc=3 ;;
        *) echo "   Active: inactive (dead)"; rc=3 ;;
      esac
      tail -n 5 "$RUN/$(base "$u").log" 2>/dev/null | sed 's/^/  /'
    done ;;
  enable|disable)
    for u in $units; do
      need_unit "$u"; n=$(base "$u").service
      t=$(sed -n 's/^WantedBy=//p' "$(unitfile "$u")" | head -n1)
      [ -n "$t" ] || { echo "The unit files have no installation config (WantedBy=, RequiredBy=)." >&2; continue; }
      if [ "$verb" = enable ] && [ ! -e "$SYS/$t.wants/$n" ]; then
        mkdir -p "$SYS/$t.wants"; ln -s "$(unitfile "$u")" "$SYS/$t.wants/$n"
        [ $quiet = 1 ] || echo "Created symlink $SYS/$t.wants/$n -> $(unitfile "$u")." >&2
      elif [ "$verb" = disable ] && [ -e "$SYS/$t.wants/$n" ]; then
        rm -f "$SYS/$t.wants/$n"
        [ $quiet = 1 ] || echo "Removed \"$SYS/$t.wants/$n\"." >&2
      fi
    done ;;
  daemon-reload|reset-failed) ;;
  *) echo "systemctl (remediate lab stand-in): unsupported verb '$verb'" >&2; rc=1 ;;
esac
exit $rc
`.replace(/@\{/g, '$' + '{');
