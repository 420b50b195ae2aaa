/**
 * The lab's own scripts (DIR/lib, not on the masters' PATH): `lab-init` sets a cluster up inside its
 * fresh namespaces and then becomes the holder process; `lab-probe` reports, from inside a cluster,
 * which faults are really present (for `lab status`).
 * (`@{` in the sources stands for a shell `${`, which a template literal would interpolate.)
 */

export const LAB_INIT = String.raw`#!/bin/sh
# lab-init CLUSTER_DIR LAB_DIR FAULT... : runs as 'ip netns exec NS unshare --mount --uts' and ends as the
# process holding the cluster's namespaces (sleep), so the cluster lives until 'lab down' kills it.
set -eu
C=$1; L=$2; shift 2
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
hostname kube01
mount -t tmpfs -o mode=0755,size=32m lab-run /run
mkdir -p /run/sshd /run/lab/units /run/lab/cache /run/lab/kube/services/default
if ! mount -t overlay lab-etc -o "lowerdir=/etc,upperdir=$C/etc,workdir=$C/etc.work" /etc 2>/dev/null; then
  # the lab dir's filesystem cannot hold an overlay upper layer (e.g. it is itself an overlay): use tmpfs
  mkdir -p /run/lab/etc-upper /run/lab/etc-work
  cp -a "$C/etc/." /run/lab/etc-upper/
  mount -t overlay lab-etc -o lowerdir=/etc,upperdir=/run/lab/etc-upper,workdir=/run/lab/etc-work /etc
fi
mount --bind "$C/root" /root
# a master's own /tmp (tools keep temp dirs there: clusters must not see each other's); the lab dir stays
# reachable at its path when it lives under /tmp (tests put labs there)
mkdir -p /run/lab/host-tmp
mount --bind /tmp /run/lab/host-tmp
mount -t tmpfs -o mode=1777,size=64m lab-tmp /tmp
case "$L" in /tmp/*) mkdir -p "$L"; mount --bind "/run/lab/host-tmp/@{L#/tmp/}" "$L" ;; esac
mount --bind "$L/bin" /usr/local/bin
if [ -e /usr/bin/systemctl ]; then mount --bind "$L/bin/systemctl" /usr/bin/systemctl; fi
for f in "$@"; do : >"/run/lab/fault-$f"; done
cp /etc/pki/tls/kube01/server.crt /etc/pki/tls/kube01/server.key /run/lab/cache/
vip=10.254.0.1
if [ -f /run/lab/fault-svc-clusterip ]; then vip=192.168.0.1; fi
printf '{"name":"kubernetes","namespace":"default","type":"ClusterIP","clusterIP":"%s","ports":[{"name":"https","port":443,"protocol":"TCP","targetPort":6443}],"selector":{},"labels":{"component":"apiserver","provider":"kubernetes"},"created":"%s"}\n' \
  "$vip" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >/run/lab/kube/services/default/kubernetes.json
systemctl start kube-apiserver.service
# the other components; one that cannot start (a leftover of the migration) stays failed, as on a real master
for u in etcd kubelet kube-proxy kube-scheduler kube-controller-manager; do
  systemctl start $u.service >>/run/lab/components.log 2>&1 || true
done
if [ -f /run/lab/fault-key-mismatch ]; then cat "$C/mismatch.key" >/etc/pki/tls/kube01/server.key; fi
# dns-svc-ip: the kube-dns Service is refused ("provided IP is not in the valid range"), the rest is created
kubectl create -f /root/manifests/kube-dns/kube-dns.yml -f /root/manifests/wordpress >/run/lab/create.log 2>&1 || true
setsid socat TCP-LISTEN:30080,bind=192.168.0.1,fork,reuseaddr EXEC:/usr/local/bin/lab-wordpress-http </dev/null >/dev/null 2>&1 &
if [ ! -f /run/lab/fault-unreachable ]; then
  /usr/sbin/sshd -E /run/lab/sshd.log
  # sshd daemonizes before it binds port 22; its pid file is written once it listens: 'ready' waits for it
  i=0; while [ ! -s /run/sshd.pid ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
fi
echo up >"$C/ready"
exec sleep infinity
`.replace(/@\{/g, '$' + '{');

export const LAB_PROBE = String.raw`#!/bin/sh
# lab-probe: one line per finding, 'key=value', read by 'lab status' (runs inside a cluster via nsenter).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
P=/etc/pki/tls/kube01
if openssl x509 -in $P/server.crt -noout -checkip 10.254.0.1 2>/dev/null | grep -q 'does match'; then echo sans=no; else echo sans=yes; fi
a=$(openssl x509 -in $P/server.crt -noout -pubkey 2>/dev/null); b=$(openssl pkey -in $P/server.key -pubout 2>/dev/null)
if [ -n "$a" ] && [ "$a" = "$b" ]; then echo key-mismatch=no; else echo key-mismatch=yes; fi
if [ -f $P/ca.key ]; then echo no-ca-key=no; else echo no-ca-key=yes; fi
if grep -qs '"clusterIP":"10.254.0.1"\|"clusterIP": "10.254.0.1"' /run/lab/kube/services/default/kubernetes.json; then echo svc-clusterip=no; else echo svc-clusterip=yes; fi
if [ -f /run/lab/fault-bad-restart ]; then echo bad-restart=yes; fi
if [ -f /run/lab/fault-bad-kubelet ]; then echo bad-kubelet=yes; fi
echo "apiserver=$(systemctl is-active kube-apiserver.service)"
# the migration's other leftovers (issue 12): each 'yes' line is followed by a why-NAME line
inrange() { case "$1" in 10.254.0.*) return 0 ;; *) return 1 ;; esac; }
flagval() { # flagval UNIT FLAG FILE...: the flag's value in the running process, else in the files
  u=$1 fl=$2; shift 2; v=
  if read -r p _ </run/lab/units/$u.pid 2>/dev/null && [ "$(systemctl is-active $u.service)" = active ]; then
    v=$(tr '\0' '\n' </proc/$p/cmdline 2>/dev/null | sed -n "s/^--$fl=//p" | head -n1)
  fi
  [ -n "$v" ] || v=$(cat "$@" 2>/dev/null | sed -n "s/.*--$fl=\([^ \"]*\).*/\1/p" | tail -n1)
  echo "$v"
}
dns=$(flagval kubelet cluster-dns /etc/kubernetes/kubelet /etc/systemd/system/kubelet.service.d/*.conf)
svc=$(kubectl get svc kube-dns -n kube-system -o jsonpath='{.spec.clusterIP}' 2>/dev/null)
if inrange "$dns"; then echo cluster-dns=no
else echo cluster-dns=yes; echo "why-cluster-dns=kubelet $(systemctl is-active kubelet.service) with --cluster-dns=$dns"; fi
mip=$(sed -n 's/^ *clusterIP: *//p' /root/manifests/kube-dns/kube-dns.yml | head -n1)
if inrange "$mip" && inrange "$svc"; then echo dns-svc-ip=no
else echo dns-svc-ip=yes; echo "why-dns-svc-ip=manifest clusterIP $mip, Service kube-dns at @{svc:-(none)}"; fi
bad=
for f in /etc/kubernetes/kubelet.kubeconfig /etc/kubernetes/proxy.kubeconfig /etc/kubernetes/controller-manager.kubeconfig /etc/kubernetes/scheduler.kubeconfig /root/.kube/config; do
  grep -q '^ *server: https://192.168.0.1:6443$' $f || bad="$bad $f"
done
for u in kubelet kube-proxy kube-scheduler kube-controller-manager; do
  [ "$(systemctl is-active $u.service)" = active ] || bad="$bad $u.service"
done
if [ -z "$bad" ]; then echo kubeconfig=no; else echo kubeconfig=yes; echo "why-kubeconfig=stale or not running:$bad"; fi
E=/etc/etcd/pki
bad=
openssl x509 -in $E/server.crt -noout -checkip 192.168.0.1 2>/dev/null | grep -q 'does match' || bad="$bad certificate-lacks-192.168.0.1"
grep -q '172\.16\.0\.' /etc/systemd/system/etcd.service && bad="$bad old-address-in-urls"
[ "$(systemctl is-active etcd.service)" = active ] || bad="$bad etcd-not-running"
timeout 3 openssl s_client -connect 192.168.0.1:2379 -CAfile $E/ca.crt -verify_ip 192.168.0.1 -verify_return_error </dev/null >/dev/null 2>&1 || bad="$bad no-verified-tls-on-192.168.0.1:2379"
if [ -z "$bad" ]; then echo etcd-sans=no; else echo etcd-sans=yes; echo "why-etcd-sans=$bad"; fi
CM=/etc/kubernetes/controller-manager
r=$(flagval kube-controller-manager service-cluster-ip-range $CM); c=$(flagval kube-controller-manager cluster-cidr $CM)
a=$(sed -n 's/.*--service-cluster-ip-range=\([0-9./]*\).*/\1/p' /etc/kubernetes/apiserver | head -n1)
if [ "$r" = 10.254.0.0/24 ] && [ "$a" = 10.254.0.0/24 ] && [ "$c" = 10.32.0.0/16 ]; then echo flags=no
else echo flags=yes; echo "why-flags=apiserver range $a, controller-manager range @{r:-?} cluster-cidr @{c:-?} (running)"; fi
dns=$(kubectl get pod -n kube-system -l k8s-app=kube-dns 2>/dev/null | awk 'NR==2 {print $2 " " $3}')
echo "kube-dns=@{dns:-absent}"
if curl -s -m 3 http://192.168.0.1:30080/ 2>/dev/null | grep -q WordPress; then echo wordpress=yes; else echo wordpress=no; fi
`.replace(/@\{/g, '$' + '{');
