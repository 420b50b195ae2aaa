/** deploy/kubernetes/remediate-job.yaml: an Indexed Job whose pods pass their index as --shard I/N. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';

const file = path.join(__dirname, '../../deploy/kubernetes/remediate-job.yaml');

test('Indexed Job: completions = parallelism = SHARDS, the index as --shard, inventory/key/journal volumes', () => {
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS());
  const job = docs.find((d) => d.kind === 'Job');
  assert.ok(job);
  assert.is(job.spec.completionMode, 'Indexed');
  const c = job.spec.template.spec.containers[0];
  const shards = c.env.find((e: { name: string }) => e.name === 'SHARDS').value;
  assert.is(String(job.spec.completions), shards);
  assert.is(String(job.spec.parallelism), shards);
  const script = c.args.join('\n');
  assert.match(script, /--shard "\$JOB_COMPLETION_INDEX\/\$SHARDS"/);
  const vols = Object.fromEntries(job.spec.template.spec.volumes.map((v: { name: string }) => [v.name, v]));
  assert.ok(vols.inventory.configMap && vols.ssh.secret && vols.journals.persistentVolumeClaim);
  assert.ok(docs.some((d) => d.kind === 'PersistentVolumeClaim'));
});

test.run();
