/**
 * Shell stand-ins installed on every lab master's PATH (/usr/local/bin, bind-mounted from DIR/bin):
 * `systemctl` (runs the units in /etc/systemd/system, truthful `is-active`), `kube-apiserver` (two real
 * TLS listeners via openssl s_server using the files its flags name) and the WordPress NodePort handler.
 * (`@{` in the sources stands for a shell `${`, which a template literal would interpolate.)
 */

export const SYSTEMCTL = String.raw`#!/bin/sh
# systemctl stand-in of the remediate lab: start|stop|restart|is-active|status|daemon-reload|enable
# for units described by /etc/systemd/system/NAME.service (EnvironmentFile=, ExecStart=).
RUN=/run/lab/units
mkdir -p "$RUN"
quiet=0; verb=; units=
for a in "$@"; do
  case "$a" in
    -q|--quiet) quiet=1 ;;
    -*) ;;
    *) if [ -z "$verb" ]; then verb=$a; else units="$units $a"; fi ;;
  esac
done
base() { b=$1; b=@{b%.service}; echo "$b"; }
pidof_unit() { cat "$RUN/$(base "$1").pid" 2>/dev/null; }
alive() { p=$(pidof_unit "$1"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }
state() {
  if alive "$1"; then echo active
  elif [ -f "$RUN/$(base "$1").pid" ]; then echo failed
  else echo inactive; fi
}
unitfile() { echo "/etc/systemd/system/$(base "$1").service"; }
need_unit() {
  [ -f "$(unitfile "$1")" ] && return 0
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
    NOTIFY_FILE="$RUN/$u.ready"; export NOTIFY_FILE
    eval "set -- $cmd"
    setsid "$@" </dev/null >>"$RUN/$u.log" 2>&1 &
    echo $! >"$RUN/$u.pid"
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
  u=$(base "$1"); p=$(pidof_unit "$1")
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
    kill -TERM "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null
    i=0
    while kill -0 "-$p" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    kill -KILL "-$p" 2>/dev/null
  fi
  rm -f "$RUN/$u.pid" "$RUN/$u.ready"
}
rc=0
case "$verb" in
  start) for u in $units; do start "$u"; done ;;
  stop) for u in $units; do stop "$u"; done ;;
  restart|reload-or-restart|try-restart) for u in $units; do stop "$u"; start "$u"; done ;;
  is-active)
    for u in $units; do s=$(state "$u"); [ $quiet = 1 ] || echo "$s"; [ "$s" = active ] || rc=3; done ;;
  is-failed)
    for u in $units; do s=$(state "$u"); [ $quiet = 1 ] || echo "$s"; [ "$s" = failed ] || rc=1; done ;;
  status)
    for u in $units; do
      need_unit "$u"; s=$(state "$u")
      echo "* $(base "$u").service"
      echo "   Loaded: loaded ($(unitfile "$u"); enabled)"
      case $s in
        active) echo "   Active: active (running)"; echo " Main PID: $(pidof_unit "$u")" ;;
        failed) echo "   Active: failed (Result: exit-code)"; rc=3 ;;
        *) echo "   Active: inactive (dead)"; rc=3 ;;
      esac
      tail -n 5 "$RUN/$(base "$u").log" 2>/dev/null | sed 's/^/  /'
    done ;;
  daemon-reload|enable|disable|reset-failed) ;;
  *) echo "systemctl (remediate lab stand-in): unsupported verb '$verb'" >&2; rc=1 ;;
esac
exit $rc
`.replace(/@\{/g, '$' + '{');

export const KUBE_APISERVER = String.raw`#!/bin/bash
# kube-apiserver stand-in of the remediate lab: serves TLS with the files named by --tls-cert-file and
# --tls-private-key-file on --bind-address:--secure-port and on the kubernetes Service VIP :443.
cert= key= port=6443 bind=0.0.0.0 range=10.254.0.0/24
for a in "$@"; do
  case "$a" in
    --tls-cert-file=*) cert=@{a#*=} ;;
    --tls-private-key-file=*) key=@{a#*=} ;;
    --secure-port=*) port=@{a#*=} ;;
    --bind-address=*|--advertise-address=*) bind=@{a#*=} ;;
    --service-cluster-ip-range=*) range=@{a#*=} ;;
  esac
done
vip=@{range%/*}; vip=@{vip%.*}.1
for f in "$cert" "$key"; do
  [ -r "$f" ] || { echo "F0000 server.go:150] open $f: no such file or directory" >&2; exit 1; }
done
# test-only fault bad-restart: a stale certificate cache serves the certificate saved at 'lab up'
# whatever is on disk, unless the original bytes are back on disk.
if [ -f /run/lab/fault-bad-restart ] && ! cmp -s "$cert" /run/lab/cache/server.crt; then
  cert=/run/lab/cache/server.crt key=/run/lab/cache/server.key
fi
log=/run/lab/units/apiserver
openssl s_server -accept "$bind:$port" -cert "$cert" -key "$key" -www >"$log.node.log" 2>&1 </dev/null & p1=$!
openssl s_server -accept "$vip:443" -cert "$cert" -key "$key" -www >"$log.vip.log" 2>&1 </dev/null & p2=$!
trap 'kill $p1 $p2 2>/dev/null; exit 0' TERM INT
for i in $(seq 100); do
  if grep -q ACCEPT "$log.node.log" && grep -q ACCEPT "$log.vip.log"; then
    [ -n "$NOTIFY_FILE" ] && : >"$NOTIFY_FILE"
    break
  fi
  kill -0 $p1 2>/dev/null && kill -0 $p2 2>/dev/null || break
  sleep 0.05
done
wait -n
cat "$log.node.log" "$log.vip.log" >&2
kill $p1 $p2 2>/dev/null
exit 1
`.replace(/@\{/g, '$' + '{');

export const WORDPRESS_HTTP = String.raw`#!/bin/sh
# WordPress NodePort stand-in (one request per run, from socat): answers only while a healthy
# WordPress pod, a MySQL pod and the wordpress and mysql Services exist; otherwise the connection is dropped.
cr=$(printf '\r')
while read -r line; do [ -z "$line" ] || [ "$line" = "$cr" ] && break; done
K=/run/lab/kube
grep -qs '"healthy": true' $K/pods/default/wordpress-*.json || exit 0
ls $K/pods/default/mysql-*.json >/dev/null 2>&1 || exit 0
[ -f $K/services/default/wordpress.json ] && [ -f $K/services/default/mysql.json ] || exit 0
body='<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8"><title>WordPress &rsaquo; Installation</title></head><body class="wp-core-ui"><p id="logo"><a href="https://wordpress.org/">WordPress</a></p><h1>Welcome</h1></body></html>'
printf 'HTTP/1.1 200 OK\r\nServer: Apache/2.4.10 (Debian)\r\nX-Powered-By: PHP/5.6.32\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' "@{#body}" "$body"
`.replace(/@\{/g, '$' + '{');
