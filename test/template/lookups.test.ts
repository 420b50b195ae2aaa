/** Lookup plugins: the file store of `password`, sequence forms, first_found's skip, located failures. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TemplateError } from '../../src/errors';
import { Templar } from '../../src/template/index';
import { LOOKUPS, lookupResult, searchPaths } from '../../src/template/lookups';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-lookups-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const t = new Templar();
const env = { vars: { playbook_dir: tmp }, render: (s: string) => s };

test('password: generated once into its file, then read back; length and chars honoured', () => {
  const file = path.join(tmp, 'creds', 'db');
  const first = t.render(`{{ lookup('password', '${file} length=12 chars=digits') }}`, {});
  assert.match(String(first), /^\d{12}$/);
  assert.is(fs.readFileSync(file, 'utf8'), `${first}\n`);
  assert.is(fs.statSync(file).mode & 0o777, 0o600);
  assert.is(t.render(`{{ lookup('password', '${file} length=30') }}`, {}), first, 'the stored one wins');
  const none = LOOKUPS.password!(['/dev/null length=5'], {}, env)[0] as string;
  assert.is(none.length, 5);
});

test('sequence: start/end/stride, count, the short form, formats, descending', () => {
  assert.equal(LOOKUPS.sequence!(['start=0 end=10 stride=5'], {}, env), ['0', '5', '10']);
  assert.equal(LOOKUPS.sequence!(['count=3 start=4'], {}, env), ['4', '5', '6']);
  assert.equal(LOOKUPS.sequence!(['2-4/2:web%02x'], {}, env), ['web02', 'web04']);
  assert.equal(LOOKUPS.sequence!(['start=3 end=1 stride=-1'], {}, env), ['3', '2', '1']);
  assert.throws(() => LOOKUPS.sequence!(['start=1'], {}, env), /needs end= or count=/);
});

test('first_found: skip gives nothing; otherwise a missing file is an error naming the candidates', () => {
  assert.equal(LOOKUPS.first_found!([{ files: ['a', 'b'], skip: true }], {}, env), []);
  assert.throws(
    () => t.render("{{ lookup('first_found', ['a.yml', 'b.yml']) }}", { playbook_dir: tmp }),
    (e: unknown) => e instanceof TemplateError && /none of a\.yml, b\.yml was found/.test(e.message),
  );
});

test('relative paths: the role first, then the playbook directory', () => {
  assert.equal(searchPaths('x', 'files', { role_path: '/r', playbook_dir: '/p' }), [
    '/r/files/x',
    '/r/x',
    '/r/tasks/x',
    '/p/files/x',
    '/p/x',
  ]);
});

test('lookup() joins strings, keeps one item as itself, else the list; query() always lists', () => {
  assert.is(lookupResult(['a', 'b']), 'a,b');
  assert.equal(lookupResult([{ k: 1 }]), { k: 1 });
  assert.equal(t.render("{{ query('items', 'x') }}", {}), ['x']);
  assert.throws(() => t.render("{{ lookup('nosuch', 1) }}", {}), /lookup plugin 'nosuch' not found/);
});

test('pipe: a failing command is an error with its status and stderr', () => {
  assert.throws(() => t.render("{{ lookup('pipe', 'echo oops >&2; exit 3') }}", {}), /exited 3: oops/);
});

test.run();
