/**
 * The lab's kubectl stand-in as the kubectl module drives it (`get -f … -o name --ignore-not-found`,
 * `delete -f … --ignore-not-found`), run on a state dir in a temp dir (LAB_KUBE_STATE): no lab needed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeLabScripts } from '../../src/lab/cluster-files';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-kubectl-'));
const state = path.join(dir, 'kube');
const manifest = path.join(dir, 'app.yml');
writeLabScripts(dir);
fs.writeFileSync(
  manifest,
  `apiVersion: v1
kind: Service
metadata:
  name: mysql
spec:
  ports:
    - port: 3306
  selector:
    app: wordpress
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: kube-system
data:
  a: b
`,
);

function kubectl(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(path.join(dir, 'bin', 'kubectl'), args, {
    env: { ...process.env, LAB_KUBE_STATE: state },
    encoding: 'utf8',
    timeout: 30000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('get -f: nothing there yet → NotFound per object and exit 1; --ignore-not-found → silent, exit 0', () => {
  const r = kubectl('get', '-f', manifest, '-o', 'name');
  assert.is(r.code, 1);
  assert.is(r.out, '');
  assert.equal(r.err.trim().split('\n'), [
    'Error from server (NotFound): services "mysql" not found',
    'Error from server (NotFound): configmaps "settings" not found',
  ]);
  assert.equal(kubectl('get', '-f', manifest, '-o', 'name', '--ignore-not-found'), {
    code: 0,
    out: '',
    err: '',
  });
});

test('get -f after create: the manifest objects, each in its own namespace; -o json of one is the object', () => {
  assert.is(kubectl('create', '-f', manifest).code, 0);
  assert.equal(kubectl('get', '-f', manifest, '-o', 'name', '--ignore-not-found'), {
    code: 0,
    out: 'service/mysql\nconfigmap/settings\n',
    err: '',
  });
  fs.rmSync(path.join(state, 'configmaps', 'kube-system', 'settings.json'));
  const partial = kubectl('get', '-f', manifest, '-o', 'name');
  assert.is(partial.code, 1);
  assert.is(partial.out, 'service/mysql\n');
  assert.match(partial.err, 'configmaps "settings" not found');
  const one = JSON.parse(kubectl('get', '-f', manifest, '-o', 'json', '--ignore-not-found').out);
  assert.is(one.kind, 'Service');
  assert.is(one.metadata.name, 'mysql');
  assert.match(kubectl('get', '-f', manifest, '--ignore-not-found').out, /^NAME\s+TYPE\s+CLUSTER-IP/);
});

test('get KIND NAME --ignore-not-found prints nothing for a missing object; without it, NotFound', () => {
  assert.equal(kubectl('get', 'svc', 'nope', '--ignore-not-found'), { code: 0, out: '', err: '' });
  assert.equal(kubectl('get', 'svc', 'nope', '--ignore-not-found=false').code, 1);
  const r = kubectl('get', 'service', 'nope', '-o', 'json');
  assert.is(r.code, 1);
  assert.match(r.err, 'Error from server (NotFound): services "nope" not found');
});

test('delete -f: deletes what exists, NotFound (exit 1) for the rest unless --ignore-not-found', () => {
  const r = kubectl('delete', '-f', manifest);
  assert.is(r.code, 1);
  assert.is(r.out, 'service "mysql" deleted\n');
  assert.match(r.err, 'configmaps "settings" not found');
  assert.equal(kubectl('delete', '-f', manifest, '--ignore-not-found', '--wait=true'), {
    code: 0,
    out: '',
    err: '',
  });
  assert.equal(kubectl('delete', 'svc', 'mysql', '--ignore-not-found'), { code: 0, out: '', err: '' });
  assert.is(kubectl('delete', 'svc', 'mysql').code, 1);
});

test.run();
