import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModuleError } from '../../src/errors';
import kubectl from '../../src/modules/kubectl';
import { localContext, runModule } from '../x509/fake-context';

// A fake kubectl (unit test only): objects are files in $STATE; every call is logged.
const FAKE = `#!/bin/sh
echo "$*" >> "$STATE/log"
while [ "$1" = -n ] || [ "$1" = --kubeconfig ]; do shift 2; done
verb=$1; shift
# options end with --: what follows is KIND [NAME]
case " $* " in *" -- "*) while [ "$1" != -- ]; do shift; done; shift ;; esac
case $verb in
  get) if [ "$1" = -f ]; then [ -e "$STATE/obj" ] && echo deployment.apps/wordpress; exit 0; fi
       if [ "$1" = service ]; then [ -e "$STATE/svc" ] && { echo service/kubernetes; exit 0; }; echo 'Error from server (NotFound): services "kubernetes" not found' >&2; exit 1; fi
       echo '{"kind":"List","items":[{"metadata":{"name":"kube-dns"}}]}' ;;
  create) [ -e "$STATE/obj" ] && { echo 'Error from server (AlreadyExists)' >&2; exit 1; }; touch "$STATE/obj"; echo 'deployment.apps/wordpress created' ;;
  delete) if [ "$1" = service ]; then rm -f "$STATE/svc"; echo 'service "kubernetes" deleted'; exit 0; fi
    rm -f "$STATE/obj"; echo 'deployment.apps "wordpress" deleted' ;;
  diff) [ -n "$NODIFF" ] && { echo 'error: failed to run "diff"' >&2; exit 2; }; [ -e "$STATE/obj" ] && exit 0; exit 1 ;;
  apply) dry=; [ "$1" = --dry-run=server ] && dry=' (server dry run)'
    [ -e "$STATE/obj" ] && { echo "deployment.apps/wordpress unchanged$dry"; exit 0; }
    [ -z "$dry" ] && touch "$STATE/obj"; echo "deployment.apps/wordpress created$dry" ;;
  wait) [ -e "$STATE/ready" ] && { echo 'pod/kube-dns-1 condition met'; exit 0; }; echo 'error: timed out waiting for the condition' >&2; exit 1 ;;
esac
`;

let dir: string;
let bin: string;
test.before.each(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'remediate-kubectl-'));
  bin = path.join(dir, 'kubectl');
  writeFileSync(bin, FAKE);
  chmodSync(bin, 0o755);
  process.env.STATE = dir;
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

const log = () => readFileSync(path.join(dir, 'log'), 'utf8');
const m = (x: object) => ({ kubectl: bin, src: '/root/manifests/wordpress', ...x });

test('create: a change only when the objects are missing (check mode runs nothing but get)', async () => {
  const chk = await runModule(kubectl, localContext({ check: true }), m({ state: 'create' }));
  assert.is(chk.changes[0]!.describe, 'kubectl create -f /root/manifests/wordpress');
  assert.not.match(log(), /^create/m);
  const r = await runModule(kubectl, localContext(), m({ state: 'create' }));
  assert.ok(r.applied);
  assert.match(String(r.result.stdout), /created/);
  const again = await runModule(kubectl, localContext(), m({ state: 'create' }));
  assert.is(again.changes.length, 0);
});

test('delete: a change only when something exists; recreate: always delete then create', async () => {
  assert.is((await runModule(kubectl, localContext(), m({ state: 'delete' }))).changes.length, 0);
  const r = await runModule(kubectl, localContext(), m({ state: 'recreate', namespace: 'kube-system' }));
  assert.ok(r.applied);
  assert.match(
    log(),
    /-n kube-system delete -f \/root\/manifests\/wordpress --ignore-not-found --wait=true\n-n kube-system create -f/,
  );
  const d = await runModule(kubectl, localContext(), m({ state: 'delete' }));
  assert.is(d.changes[0]!.describe, 'kubectl delete deployment.apps/wordpress');
});

test('delete by kind and name: a change only when the object exists (NotFound = absent)', async () => {
  const svc = { state: 'delete', kind: 'service', name: 'kubernetes', namespace: 'default', src: undefined };
  assert.is((await runModule(kubectl, localContext(), m(svc))).changes.length, 0);
  writeFileSync(path.join(dir, 'svc'), '');
  const r = await runModule(kubectl, localContext(), m(svc));
  assert.is(r.changes[0]!.describe, 'kubectl delete service/kubernetes');
  assert.match(log(), /-n default delete --ignore-not-found --wait=true -- service kubernetes/);
  assert.throws(() => kubectl.args.parse({ state: 'delete', kind: 'service' }));
});

test('apply: kubectl diff decides; no change when the live objects match', async () => {
  const r = await runModule(kubectl, localContext(), m({ state: 'apply' }));
  assert.ok(r.applied);
  const again = await runModule(kubectl, localContext(), m({ state: 'apply' }));
  assert.is(again.changes.length, 0);
});

test('apply without kubectl diff: the server dry run decides', async () => {
  process.env.NODIFF = '1';
  try {
    const chk = await runModule(kubectl, localContext({ check: true }), m({ state: 'apply' }));
    assert.is(chk.changes.length, 1);
    assert.not.ok(
      log()
        .split('\n')
        .some((l) => l.startsWith('apply -f')),
    );
    assert.ok((await runModule(kubectl, localContext(), m({ state: 'apply' }))).applied);
    assert.is((await runModule(kubectl, localContext(), m({ state: 'apply' }))).changes.length, 0);
  } finally {
    delete process.env.NODIFF;
  }
});

test('wait: never a change; a timeout fails with kubectl words; not run in check mode', async () => {
  const w = {
    state: 'wait',
    kind: 'pod',
    selector: 'k8s-app=kube-dns',
    namespace: 'kube-system',
    timeout: 5,
    src: undefined,
  };
  try {
    await runModule(kubectl, localContext(), m(w));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ModuleError);
    assert.match(
      (e as Error).message,
      /condition=Ready pod -l k8s-app=kube-dns -n kube-system did not succeed within 5s: error: timed out/,
    );
  }
  writeFileSync(path.join(dir, 'ready'), '');
  const ok = await runModule(kubectl, localContext(), m(w));
  assert.is(ok.changes.length, 0);
  assert.match(log(), /wait --for=condition=Ready --timeout=5s -l k8s-app=kube-dns -- pod/);
  const before = log();
  await runModule(kubectl, localContext({ check: true }), m(w));
  assert.is(log(), before);
});

test('get: parsed JSON as the result; args validated', async () => {
  const r = await runModule(
    kubectl,
    localContext(),
    m({ state: 'get', kind: 'pod', namespace: 'kube-system', src: undefined }),
  );
  assert.is((r.result.resources as { kind: string }).kind, 'List');
  assert.throws(() => kubectl.args.parse({ state: 'create' }));
  assert.throws(() => kubectl.args.parse({ state: 'wait' }));
});

test('names and kinds are validated and options end with -- (no option injection)', async () => {
  const bad: Record<string, unknown>[] = [
    { state: 'delete', kind: 'pod', name: '--all' },
    { state: 'delete', kind: '--all-namespaces', name: 'x' },
    { state: 'delete', kind: 'pod', name: 'Web_1' },
    { state: 'get', kind: 'pod', namespace: '-A' },
    { state: 'wait', kind: 'pod', selector: '--all' },
    { state: 'wait', kind: 'pod', name: 'x', condition: '-h' },
  ];
  for (const b of bad) {
    const r = kubectl.args.safeParse({ src: undefined, ...b });
    assert.not.ok(r.success, JSON.stringify(b));
  }
  const ok = kubectl.args.parse({ state: 'delete', kind: 'deployments.apps', name: 'web-1.a' });
  const plan = await kubectl.plan(ok, { existing: ['deployment.apps/web-1.a'] }, localContext());
  const step = plan.changes[0]!.steps[0]!;
  const display = step.kind === 'exec' ? step.cmd.display.replace(/\s+/g, ' ') : '';
  assert.is(display, 'kubectl delete --ignore-not-found --wait=true -- deployments.apps web-1.a');
});

test.run();
