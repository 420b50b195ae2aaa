/**
 * Fault-suite helpers on a running lab cluster (from inside its namespaces, as `lab status` looks): put the
 * `sans` fault back (the original certificate, the apiserver restarted on it, kube-dns and WordPress
 * recreated while the API does not verify) so one lab serves many kill points, and report what a killed run
 * left behind (which certificate is on disk, stray files in the PKI directory, the apiserver unit).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Test } from 'uvu';
import { labDown, labUp, type LabInfo } from '../../src/lab';
import { inCluster } from '../../src/lab/holder';
import { readState } from '../../src/lab/state';

export const PKI = '/etc/pki/tls/kube01';
const MANIFESTS = '-f /root/manifests/kube-dns/kube-dns.yml -f /root/manifests/wordpress';

const RESET = `set -e
P=${PKI}
for f in "$P"/* "$P"/.[!.]*; do
  [ -e "$f" ] || continue
  case "\${f##*/}" in ca.crt|ca.key|server.key) ;; *) rm -rf "$f" ;; esac
done
cp /run/lab/cache/server.crt "$P/server.crt"
systemctl restart kube-apiserver.service
kubectl delete ${MANIFESTS} --ignore-not-found >/dev/null
kubectl create ${MANIFESTS} >/dev/null
`;

/** cert=old|new|INVALID (new: signed by the CA, covers 10.254.0.1, matches server.key), stray files, unit. */
const INSPECT = `P=${PKI}
if cmp -s "$P/server.crt" /run/lab/cache/server.crt; then echo cert=old
elif openssl verify -CAfile "$P/ca.crt" "$P/server.crt" >/dev/null 2>&1 &&
  openssl x509 -in "$P/server.crt" -noout -checkip 10.254.0.1 2>/dev/null | grep -q 'does match' &&
  [ "$(openssl x509 -in "$P/server.crt" -noout -pubkey)" = "$(openssl pkey -in "$P/server.key" -pubout)" ]
then echo cert=new
else echo cert=INVALID; fi
echo "stray=$(ls -A "$P" | grep -vxE 'ca\\.crt|ca\\.key|server\\.crt|server\\.key|server\\.crt\\.[0-9]{8}T[0-9]{6}Z\\.bak' | tr '\\n' ' ')"
echo "backups=$(ls -A "$P" | grep -cxE 'server\\.crt\\.[0-9]{8}T[0-9]{6}Z\\.bak')"
echo "apiserver=$(systemctl is-active kube-apiserver.service)"
`;

export interface Found {
  cert: 'old' | 'new' | 'INVALID';
  stray: string;
  backups: number;
  apiserver: string;
}

export function holderPid(labDir: string, cluster: string): number {
  const st = readState(path.resolve(labDir));
  const c = st?.clusters.find((x) => x.name === cluster);
  if (!c?.holderPid) throw new Error(`no running cluster ${cluster} in ${labDir}`);
  return c.holderPid;
}

async function sh(pid: number, script: string): Promise<string> {
  const r = await inCluster(pid, ['/bin/sh', '-c', script], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`in-cluster script failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Back to the lab's `sans` state, whatever a killed run left. */
export async function resetSans(pid: number): Promise<void> {
  await sh(pid, RESET);
}

export async function inspect(pid: number): Promise<Found> {
  const kv = Object.fromEntries(
    (await sh(pid, INSPECT))
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]),
  );
  return {
    cert: kv.cert as Found['cert'],
    stray: kv.stray ?? '',
    backups: Number(kv.backups ?? 0),
    apiserver: kv.apiserver ?? '?',
  };
}

/** Runs `script` inside the cluster and returns its stdout (for tests that plant faults). */
export function inClusterSh(pid: number, script: string): Promise<string> {
  return sh(pid, script);
}

/**
 * The lab of one fault-test file, in a temporary root: brought up in `before` (a lab that fails half-way
 * is taken down), taken down with its root removed in `after` — or earlier by `teardown()`, once whichever
 * comes first. `beforeDown` runs first (close what the test put in front of the lab).
 */
export function labForFile(
  suite: Test,
  prefix: string,
  opts: { clusters: number; faults: string },
  beforeDown?: () => void,
): { root: string; dir: string; readonly lab: LabInfo; teardown(): Promise<void> } {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  const dir = path.join(root, 'lab');
  let lab: LabInfo | undefined;
  let tornDown = false;
  const teardown = async (): Promise<void> => {
    if (tornDown) return;
    tornDown = true;
    beforeDown?.();
    await labDown({ dir }).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  };
  suite.before(async () => {
    try {
      lab = await labUp({ dir, ...opts });
    } catch (e) {
      await teardown();
      throw e;
    }
  });
  suite.after(teardown);
  return {
    root,
    dir,
    get lab(): LabInfo {
      if (!lab) throw new Error('the lab is not up (before() has not run or failed)');
      return lab;
    },
    teardown,
  };
}

/** `remediate run PLAYBOOK -i INVENTORY --no-retry-file MORE…`: the fault tests' command line. */
export const runArgsOf = (playbook: string, inventory: string, ...more: string[]): string[] => [
  'run',
  playbook,
  '-i',
  inventory,
  '--no-retry-file',
  ...more,
];
