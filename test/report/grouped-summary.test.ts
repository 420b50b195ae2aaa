import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunEvent } from '../../src/events';
import { groupOutcomes, renderGroupedSummary } from '../../src/report/grouped-summary';
import { OutcomeTracker } from '../../src/report/outcomes';

const LOC = 'pb.yml:10:7';
const zero = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };

function fleet(check: boolean): OutcomeTracker {
  const t = new OutcomeTracker();
  const hosts = Array.from({ length: 12 }, (_, i) => `kube01.c${String(i + 1).padStart(3, '0')}`);
  const ev = (e: RunEvent) => t.on(e);
  ev({ kind: 'run-start', time: 0, playbook: 'pb.yml', check, diff: false });
  ev({ kind: 'play-start', time: 0, play: 'p', hosts });
  const res = (host: string, status: 'changed' | 'ok' | 'failed' | 'unreachable', extra = {}) =>
    ev({
      kind: 'task-result',
      time: 1,
      host,
      task: 'reissue',
      loc: LOC,
      module: 'x509_reissue',
      status,
      durationMs: 1,
      check,
      ...extra,
    });
  const recap: Record<string, typeof zero> = {};
  hosts.forEach((h, i) => {
    const c = h.slice(-4);
    if (i < 8) {
      res(h, 'changed', {
        changes: [
          {
            describe: `SAN +IP:10.254.0.1 -IP:172.16.0.1 (key reused, CA kube-ca ${c})`,
            diff: { path: '/etc/x.crt', before: 'IP:172.16.0.1\n', after: 'IP:10.254.0.1\n' },
          },
        ],
      });
      recap[h] = { ...zero, ok: 1, changed: 1 };
    } else if (i < 10) {
      res(h, 'failed', {
        msg: `refused (key-mismatch): /k does not match /c (sha ${c}); nothing was changed (find the key)`,
      });
      recap[h] = { ...zero, failed: 1 };
    } else if (i === 10) {
      res(h, 'ok');
      recap[h] = { ...zero, ok: 1 };
    } else {
      res(h, 'unreachable', { msg: `${h}: cannot connect to root@198.18.2.7:22: connection refused` });
      recap[h] = { ...zero, unreachable: 1 };
    }
  });
  ev({ kind: 'recap', time: 2, hosts: recap, durationMs: 2 });
  return t;
}

test('identical changes are one line with a host count and a collapsed list; the cluster name is *', () => {
  const t = fleet(true);
  const text = renderGroupedSummary(groupOutcomes(t.outcomes()), { diff: false, check: true }).join('\n');
  assert.match(
    text,
    'WOULD CHANGE\n  [reissue]\n    8 hosts (kube01.c001–c008): ~ SAN +IP:10.254.0.1 -IP:172.16.0.1 (key reused, CA kube-ca *)',
  );
  assert.match(
    text,
    'REFUSED (nothing was changed)\n  2 hosts (kube01.c009, kube01.c010): refused (key-mismatch) — /k does not match /c (sha *) (e.g. kube01.c009)',
  );
  assert.match(
    text,
    'UNREACHABLE\n  1 host (kube01.c012): cannot connect to root@198.18.2.7:22: connection refused',
  );
  assert.match(text, 'ALREADY FINE: 1 host (kube01.c011)');
  assert.match(text, 'TOTAL 12 hosts: 8 would fix (check), 1 already fine, 2 refused, 1 unreachable');
});

test('--diff: one diff per distinct change, not one per host', () => {
  const text = renderGroupedSummary(groupOutcomes(fleet(false).outcomes()), {
    diff: true,
    check: false,
  }).join('\n');
  assert.is(text.split('+IP:10.254.0.1\n').length - 1, 1, text);
  assert.match(text, 'CHANGED\n  [reissue]\n    8 hosts (kube01.c001–c008)');
  assert.match(text, 'TOTAL 12 hosts: 8 fixed (changed)');
});

test('outcomes: refusal reason and message, unreachable reason without the host label', () => {
  const by = Object.fromEntries(
    fleet(false)
      .outcomes()
      .map((o) => [o.host, o]),
  );
  assert.equal(
    { o: by['kube01.c009']!.outcome, r: by['kube01.c009']!.reason, m: by['kube01.c009']!.message },
    { o: 'refused', r: 'key-mismatch', m: '/k does not match /c (sha c009)' },
  );
  assert.is(by['kube01.c012']!.reason, 'cannot connect to root@198.18.2.7:22: connection refused');
  assert.is(by['kube01.c011']!.outcome, 'ok');
  assert.is(by['kube01.c001']!.outcome, 'changed');
});

test.run();
