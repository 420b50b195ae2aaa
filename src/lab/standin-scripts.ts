/**
 * Shell stand-ins installed on every lab master's PATH (/usr/local/bin, bind-mounted from DIR/bin):
 * `kube-apiserver` (two real TLS listeners via openssl s_server using the files its flags name) and the
 * WordPress NodePort handler (`systemctl` is in standin-systemctl.ts).
 * (`@{` in the sources stands for a shell `${`, which a template literal would interpolate.)
 */

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
# Stop both listeners through our own process group (systemctl starts us as a session leader): their
# pids may already be reaped and reused by the time a trap runs, the group id cannot be.
stop_listeners() {
  trap '' TERM INT
  if [ "$(sed 's/.*) //' /proc/$$/stat | cut -d' ' -f3)" = "$$" ]; then kill -TERM -- "-$$" 2>/dev/null
  else kill $(jobs -p) 2>/dev/null; fi
}
trap 'stop_listeners; exit 0' TERM INT
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
stop_listeners
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
