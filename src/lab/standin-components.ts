/**
 * Stand-ins for the master's other components (issue 12), small bash + openssl programs like the
 * apiserver's: `kube-component` (installed as kubelet, kube-proxy, kube-scheduler, kube-controller-manager)
 * connects, at start, to the apiserver its kubeconfig's `server:` names over real TLS verified against the
 * kubeconfig's CA for that address, and fails to start otherwise (as a kubelet does: "dial tcp
 * 172.16.0.1:6443: connect: network is unreachable"); `etcd` serves its certificate with openssl s_server on
 * every --listen-client-urls address and fails when one cannot be bound (the old node address is gone).
 * (`@{` in the sources stands for a shell `${`, which a template literal would interpolate.)
 */

export const KUBE_COMPONENT = String.raw`#!/bin/bash
# kubelet / kube-proxy / kube-scheduler / kube-controller-manager stand-in of the remediate lab.
name=@{0##*/}
kc=
for a in "$@"; do
  case "$a" in --kubeconfig=*) kc=@{a#*=} ;; esac
done
[ -r "$kc" ] || { echo "F0000 $name: stat $kc: no such file or directory" >&2; exit 1; }
val() { sed -n "s/^[[:space:]]*$1:[[:space:]]*//p" "$kc" | head -n1 | tr -d "\"'\r"; }
server=$(val server); ca=$(val certificate-authority)
hp=@{server#https://}; hp=@{hp%%/*}; host=@{hp%:*}
# test-only fault bad-kubelet: this kubelet only starts with the --cluster-dns it was installed with
if [ "$name" = kubelet ] && [ -f /run/lab/fault-bad-kubelet ]; then
  dns=; for a in "$@"; do case "$a" in --cluster-dns=*) dns=@{a#*=} ;; esac; done
  if [ -f /run/lab/cache/cluster-dns ] && [ "$dns" != "$(cat /run/lab/cache/cluster-dns)" ]; then
    echo "F0000 kubelet: --cluster-dns=$dns: lab fault bad-kubelet refuses a changed resolver" >&2; exit 1
  fi
  echo "$dns" >/run/lab/cache/cluster-dns
fi
if ! out=$(timeout 3 openssl s_client -connect "$hp" -CAfile "$ca" -verify_ip "$host" -verify_return_error </dev/null 2>&1); then
  why=$(echo "$out" | grep -m1 -i 'verify error\|unreachable\|refused\|errno\|error' )
  echo "E0000 $name: Get $server/api?timeout=32s: dial tcp $hp: @{why:-timeout}" >&2
  exit 1
fi
[ -n "$NOTIFY_FILE" ] && : >"$NOTIFY_FILE"
# stay this process (its command line is what the component runs with), idle until stopped
trap 'exit 0' TERM INT
sleep infinity &
wait
`.replace(/@\{/g, '$' + '{');

export const ETCD = String.raw`#!/bin/bash
# etcd stand-in of the remediate lab: serves --cert-file/--key-file over TLS on every --listen-client-urls
# address (openssl s_server); exits like etcd when one of them cannot be bound.
cert= key= listen=
for a in "$@"; do
  case "$a" in
    --cert-file=*) cert=@{a#*=} ;;
    --key-file=*) key=@{a#*=} ;;
    --listen-client-urls=*) listen=@{a#*=} ;;
  esac
done
for f in "$cert" "$key"; do
  [ -r "$f" ] || { echo "etcdmain: open $f: no such file or directory" >&2; exit 1; }
done
log=/run/lab/units/etcd
n=0; hps=()
for u in @{listen//,/ }; do
  hp=@{u#*://}; hp=@{hp%%/*}; n=$((n + 1)); hps+=("$hp")
  openssl s_server -accept "$hp" -cert "$cert" -key "$key" -www >"$log.$n.log" 2>&1 </dev/null &
done
stop_listeners() {
  trap '' TERM INT
  if [ "$(sed 's/.*) //' /proc/$$/stat | cut -d' ' -f3)" = "$$" ]; then kill -TERM -- "-$$" 2>/dev/null
  else kill $(jobs -p) 2>/dev/null; fi
}
trap 'stop_listeners; exit 0' TERM INT
for i in $(seq 100); do
  up=0
  for j in $(seq $n); do grep -q ACCEPT "$log.$j.log" && up=$((up + 1)); done
  [ $up = $n ] && { [ -n "$NOTIFY_FILE" ] && : >"$NOTIFY_FILE"; break; }
  for j in $(seq $n); do
    if grep -qi 'bind\|error' "$log.$j.log"; then
      echo "etcdmain: listen tcp @{hps[$((j - 1))]}: bind: cannot assign requested address" >&2
      stop_listeners; exit 1
    fi
  done
  sleep 0.05
done
wait -n
stop_listeners
exit 1
`.replace(/@\{/g, '$' + '{');
