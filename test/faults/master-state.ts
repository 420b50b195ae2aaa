/**
 * Whole-master state for crash tests of the migration playbooks (issue #10): every file the lab put on a
 * master and a fix may touch (flag files, units and drop-ins, kubeconfigs, both PKI directories, the
 * manifests), snapshotted inside the cluster right after `lab up`, put back between kill points, and
 * classified after a killed run: each file is its old version, its converged version, or (a file several
 * tasks edit in turn) made of old and new lines and words in place; certificates are old or valid new;
 * keys never change; backups are whole copies; anything else is stray.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { inClusterSh } from './lab-cluster';

/** The lab-owned paths, relative to / (globs expand inside the cluster with cwd /). */
const PATHS =
  'etc/kubernetes etc/pki/tls/kube01 etc/etcd root/manifests root/.kube etc/systemd/system/kube* etc/systemd/system/etcd*';
const SNAP = '/run/lab/crash-snapshot.tar';
const SVC = '/run/lab/kube/services/default/kubernetes.json';
const COMPONENTS = 'etcd kubelet kube-proxy kube-scheduler kube-controller-manager';
const MANIFESTS = '-f /root/manifests/kube-dns/kube-dns.yml -f /root/manifests/wordpress';

/** Keeps the master's files (and the default/kubernetes Service) as `lab up` left them. */
export async function snapshotMaster(pid: number): Promise<void> {
  await inClusterSh(pid, `set -e; cd /; tar -cpf ${SNAP} ${PATHS}; cp -p ${SVC} ${SNAP}.svc`);
}

/**
 * Back to the snapshot whatever a killed run left: the files, the Service, every component restarted
 * on them (one that cannot start stays failed, as at `lab up`), kube-dns and WordPress recreated.
 */
export async function resetMaster(pid: number): Promise<void> {
  await inClusterSh(
    pid,
    `set -e; cd /
rm -rf ${PATHS}
tar -xpf ${SNAP}
cp -p ${SNAP}.svc ${SVC}
systemctl daemon-reload >/dev/null 2>&1 || true
systemctl restart kube-apiserver.service
for u in ${COMPONENTS}; do
  systemctl stop $u.service >/dev/null 2>&1 || true
  systemctl start $u.service >/dev/null 2>&1 || true
done
kubectl delete ${MANIFESTS} --ignore-not-found >/dev/null 2>&1 || true
kubectl create ${MANIFESTS} >/dev/null 2>&1 || true
`,
  );
}

/** Commands of remediate (its exec wrapper's marker in their command line) running in the cluster's namespace. */
function remediateCommands(holder: number): number[] {
  const ns = (pid: number | string) => readlinkSync(`/proc/${pid}/ns/net`);
  const mine = ns(holder);
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`).includes('REMEDIATE-PGID-') && ns(pid) === mine)
        out.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Wait until the commands a killed controller left running on the master have ended (the target does not
 * stop a command when the connection drops: an upload or a certificate install goes on to its end or to
 * its cleanup). Returns how many there were.
 */
export async function settle(holder: number, timeoutMs = 60_000): Promise<number> {
  const first = remediateCommands(holder).length;
  for (const end = Date.now() + timeoutMs; remediateCommands(holder).length > 0;) {
    if (Date.now() > end) throw new Error(`commands of the killed run still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return first;
}

/** path → base64 content, and for every serving certificate whether it is valid now. */
export interface MasterFiles {
  files: Map<string, string>;
  /** serving certificate path → valid (signed by its directory's ca.crt, matching its server.key). */
  certOk: Map<string, boolean>;
}

export async function readMaster(pid: number): Promise<MasterFiles> {
  const out = await inClusterSh(
    pid,
    `cd /
find ${PATHS} -type f 2>/dev/null | sort | while read -r f; do printf 'F /%s %s\\n' "$f" "$(base64 -w0 "$f")"; done
for c in /etc/pki/tls/kube01/server.crt /etc/etcd/pki/server.crt; do
  d=\${c%/*}
  if openssl verify -CAfile "$d/ca.crt" "$c" >/dev/null 2>&1 &&
    [ "$(openssl x509 -in "$c" -noout -pubkey 2>/dev/null)" = "$(openssl pkey -in "$d/server.key" -pubout 2>/dev/null)" ]
  then echo "C $c ok"; else echo "C $c bad"; fi
done
`,
  );
  const files = new Map<string, string>();
  const certOk = new Map<string, boolean>();
  for (const line of out.split('\n')) {
    const [kind, p, v] = line.split(' ');
    if (kind === 'F' && p) files.set(p, v ?? '');
    else if (kind === 'C' && p) certOk.set(p, v === 'ok');
  }
  return { files, certOk };
}

/** `file.NUMBER.2026-12-03@09:22:25~` (Ansible's backup name) or `server.crt.20261203T092227Z.bak` (x509_reissue). */
const BACKUP = /(\.(?:\d+\.)?\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~|\.\d{8}T\d{6}Z\.bak)$/;

const text = (b64: string | undefined): string | undefined =>
  b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');

/** Every line has as many words as in both versions, and each word is the old or the new one there. */
function madeOfBoth(found: string, old: string, neu: string): boolean {
  const [f, o, n] = [found, old, neu].map((s) => s.split('\n'));
  if (f!.length !== o!.length || f!.length !== n!.length) return false;
  return f!.every((line, i) => {
    const [fw, ow, nw] = [line, o![i]!, n![i]!].map((s) => s.split(/(\s+|[,"=])/));
    return (
      fw!.length === ow!.length &&
      fw!.length === nw!.length &&
      fw!.every((w, j) => w === ow![j] || w === nw![j])
    );
  });
}

export interface Classified {
  /** Files that are their converged version now. */
  new: string[];
  /** Files made of old and new words in place (several tasks edit them in turn). */
  partial: string[];
  backups: number;
  /** Files that are none of the lab's, its versions or its backups (a temp file of a command still running). */
  stray: string[];
  /** Anything else that is none of the above: torn or foreign content, a missing file. */
  bad: string[];
}

const isCert = (p: string): boolean => /\/server\.crt$/.test(p);

/** What a killed run left, against the snapshot (`old`) and a completed run's files (`done`). */
export function classify(now: MasterFiles, old: MasterFiles, done: MasterFiles): Classified {
  const r: Classified = { new: [], partial: [], backups: 0, stray: [], bad: [] };
  const versionOf = (p: string, b64: string): 'old' | 'new' | 'partial' | undefined => {
    if (b64 === old.files.get(p)) return 'old';
    if (b64 === done.files.get(p)) return 'new';
    const [f, o, n] = [text(b64), text(old.files.get(p)), text(done.files.get(p))];
    return f !== undefined && o !== undefined && n !== undefined && madeOfBoth(f, o, n)
      ? 'partial'
      : undefined;
  };
  for (const [p, b64] of now.files) {
    const backup = BACKUP.exec(p);
    if (backup) {
      const base = p.slice(0, backup.index);
      // a backup is a whole copy of a version the file had
      if (b64 && (isCert(base) ? b64 === old.files.get(base) : versionOf(base, b64))) r.backups++;
      else r.bad.push(`${p} (not a whole earlier version of ${base})`);
      continue;
    }
    if (!old.files.has(p) && !done.files.has(p)) {
      r.stray.push(`${p} (stray)`);
      continue;
    }
    if (isCert(p)) {
      if (b64 === old.files.get(p)) continue;
      if (now.certOk.get(p)) r.new.push(p);
      else r.bad.push(`${p} (neither the old certificate nor a valid new one)`);
      continue;
    }
    if (/\.key$/.test(p)) {
      if (b64 !== old.files.get(p)) r.bad.push(`${p} (a key changed)`);
      continue;
    }
    const v = versionOf(p, b64);
    if (v === 'new') r.new.push(p);
    else if (v === 'partial') r.partial.push(p);
    else if (!v) r.bad.push(`${p} (neither its old nor its new content)`);
  }
  for (const p of old.files.keys()) if (!now.files.has(p) && done.files.has(p)) r.bad.push(`${p} (missing)`);
  return r;
}
