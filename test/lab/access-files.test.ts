import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadInventory } from '../../src/inventory';
import { writeAccessFiles } from '../../src/lab/access-files';
import { resolveSshEndpoint } from '../../src/transport/ssh-config';
import type { ClusterState } from '../../src/lab/state';

test('a lab dir with spaces and quotes in its path still gives an inventory and ssh_config that read back', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "remediate lab 'q' "));
  try {
    const cluster = {
      name: 'c001',
      host: 'kube01.c001',
      ns: 'x',
      veth: 'y',
      address: '198.18.0.2',
      faults: ['sans'],
    } as ClusterState;
    const info = writeAccessFiles(dir, [cluster], ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA root@x']);
    const inv = await loadInventory([info.inventory]);
    const vars = inv.hostVars('kube01.c001');
    assert.is(vars['ansible_ssh_private_key_file'], path.join(dir, 'id_ed25519'));
    assert.is(vars['remediate_known_hosts'], path.join(dir, 'known_hosts'));
    assert.is(vars['ansible_host'], '198.18.0.2');
    const ep = resolveSshEndpoint('kube01.c001', {}, { sshConfigFile: info.sshConfig });
    assert.ok(ep.identityFiles.includes(path.join(dir, 'id_ed25519')), JSON.stringify(ep.identityFiles));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
