// test-timeout: 240
/**
 * Issue #10, a full disk during the certificate write. On a one-cluster `sans` lab the PKI directory is
 * moved onto a tiny tmpfs (mounted in the cluster's mount namespace, the files copied over) that is then
 * filled to the last byte. fix-apiserver-sans.yml must fail at the write (x509_reissue) saying "No space
 * left on device", leave the old certificate byte-identical and nothing behind in the PKI directory (no
 * 0-byte .bak, no .remediate-new) nor a temp dir in /tmp; once space is freed, the next run converges
 * (exit 0, `lab verify` passes).
 */
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { labVerify } from '../../src/lab';
import { runCli } from '../helpers/cli';
import { holderPid, inClusterSh, labForFile, PKI, runArgsOf } from './lab-cluster';

const PLAYBOOK = 'playbooks/fix-apiserver-sans.yml';
const FILLER = '.remediate-test-fill';
const fx = labForFile(test, 'remediate-diskfull-', { clusters: 1, faults: 'sans=1' });
const { dir } = fx;

/** The PKI directory onto a 64 KiB tmpfs with the same files, mode and owner; then filled up. */
const FILL = `set -e
P=${PKI}
S=$(mktemp -d /root/pki-save.XXXXXX)
cp -a "$P/." "$S/"
mode=$(stat -c %a "$P"); owner=$(stat -c %u:%g "$P")
mount -t tmpfs -o size=64k,mode=$mode remediate-full "$P"
chown "$owner" "$P"
cp -a "$S/." "$P/"
rm -rf "$S"
dd if=/dev/zero of="$P/${FILLER}" bs=1k 2>/dev/null || true
echo "free=$(df -k --output=avail "$P" | tail -1 | tr -d ' ')"
`;
/** The certificate's checksum, the directory's other entries (without the filler), temp dirs in /tmp. */
const LOOK = `P=${PKI}
echo "sum=$(sha256sum < "$P/server.crt" | cut -d' ' -f1)"
echo "entries=$(ls -A "$P" | grep -vx '${FILLER}' | sort | tr '\\n' ' ')"
echo "zero=$(find "$P" -maxdepth 1 -type f -size 0 | tr '\\n' ' ')"
echo "tmp=$(ls -d /tmp/remediate-x509.* 2>/dev/null | tr '\\n' ' ')"
`;

async function look(pid: number): Promise<Record<string, string>> {
  return Object.fromEntries(
    (await inClusterSh(pid, LOOK))
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]),
  );
}

test('disk full at the certificate write: fails with "no space left", old cert intact, nothing left; converges once freed', async () => {
  const cluster = fx.lab.clusters[0]!.name;
  const host = `kube01.${cluster}`;
  const pid = holderPid(dir, cluster);
  const before = await look(pid);
  const filled = await inClusterSh(pid, FILL);
  assert.match(filled, /free=0\b/, filled);
  const args = runArgsOf(PLAYBOOK, fx.lab.inventory, '--limit', host, '--output', 'json');

  const t0 = Date.now();
  const r = await runCli(args, { timeoutMs: 180_000 });
  const failedMs = Date.now() - t0;
  const events = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const failed = events.filter((e) => e.type === 'task' && e.status === 'failed');
  assert.is(r.code, 2, r.stdout.slice(-3000) + r.stderr);
  assert.is(failed.length, 1, JSON.stringify(failed));
  assert.is(failed[0]!.module, 'x509_reissue', 'it fails at the certificate write');
  const msg = String(failed[0]!.msg);
  process.stdout.write(`disk full: ${msg}\n`);
  assert.match(msg, /no space left/i);
  assert.not.match(msg, /\nif cp -p/, 'the install script is named by its first line, not dumped');
  assert.not.match(r.stdout + r.stderr, /\n\s+at .*\.[jt]s:\d+/, 'no stack trace');

  const after = await look(pid);
  assert.is(after.sum, before.sum, 'the old certificate is byte-identical');
  assert.is(after.entries, before.entries, 'nothing new in the PKI directory');
  assert.is(after.zero, '', 'no 0-byte file');
  assert.is(after.tmp, '', 'no temp dir left in /tmp');

  await inClusterSh(pid, `rm -f ${PKI}/${FILLER}`);
  const t1 = Date.now();
  const again = await runCli(args.slice(0, -2), { timeoutMs: 180_000 });
  const rerunMs = Date.now() - t1;
  assert.is(again.code, 0, again.stdout.slice(-3000) + again.stderr);
  const [v] = await labVerify({ dir, cluster });
  assert.ok(v?.ok, v?.detail);
  const end = await look(pid);
  assert.is.not(end.sum, before.sum, 'the certificate was replaced');
  process.stdout.write(
    `disk full run failed after ${(failedMs / 1000).toFixed(1)} s; after freeing space the rerun converged in ${(rerunMs / 1000).toFixed(1)} s, lab verify ok\n`,
  );
});

test.run();
