/**
 * The run journal's own cost: 10,000 task results (1,000 hosts × 10 tasks) redacted, serialized, written and
 * fsync'd at each task start, three rounds. Run: npx tsx test/bench/journal-write.bench.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunJournal, newRunId } from '../../src/report/run-journal';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jb-'));
for (let round = 0; round < 3; round++) {
  const j = new RunJournal(dir, {
    version: 1,
    id: newRunId(),
    commandLine: [],
    cwd: dir,
    playbook: 'p',
    options: {},
    digests: { playbook: '', templates: '', inventory: '' },
    check: false,
    started: '',
  });
  const t0 = performance.now();
  for (let t = 0; t < 10; t++) {
    j.on({ kind: 'task-start', time: 0, play: 'p', task: `t${t}`, loc: 'pb.yml:1:1', hosts: [] });
    for (let h = 0; h < 1000; h++)
      j.on({
        kind: 'task-result',
        time: 0,
        host: `kube01.c${h}`,
        task: `t${t}`,
        loc: 'pb.yml:1:1',
        module: 'x509_sans',
        status: 'ok',
        durationMs: 3,
        check: false,
        result: {
          changed: false,
          service_ip: '10.254.0.1',
          wanted: ['IP:10.254.0.1', 'DNS:kubernetes'],
          missing: [],
        },
      });
  }
  j.close();
  console.log(`10,000 task results journaled in ${(performance.now() - t0).toFixed(0)} ms`);
}
fs.rmSync(dir, { recursive: true, force: true });
