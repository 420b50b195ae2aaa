/**
 * sha256 + mode of every file a lab cluster's master sees under /etc (overlay upper layer) and /root: what
 * the e2e tests compare to prove that a `--check` run or a refused cluster changed no byte.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as assert from 'uvu/assert';
import type { LabInfo } from '../../src/lab';

export function checksums(lab: LabInfo, cluster: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile())
        out[p] =
          createHash('sha256').update(readFileSync(p)).digest('hex') + ' ' + statSync(p).mode.toString(8);
    }
  };
  for (const d of ['etc', 'root']) {
    // a missing directory would make every comparison {} === {}: it is an error, not an empty set
    const dir = path.join(lab.dir, 'clusters', cluster, d);
    assert.ok(existsSync(dir), `${dir} exists`);
    walk(dir);
  }
  assert.ok(Object.keys(out).length > 0, `${cluster}: files to compare`);
  return out;
}

/** `checksums` of every cluster of a lab, by cluster name. */
export const allChecksums = (lab: LabInfo): Record<string, Record<string, string>> =>
  Object.fromEntries(lab.clusters.map((c) => [c.name, checksums(lab, c.name)]));
