/** Role loading: search path, duplicates, dependency cycles, located errors; remote_user keyword. */
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PlaybookError } from '../../src/errors';
import { loadPlaybook } from '../../src/playbook/index';
import { defaultRolesPath } from '../../src/playbook/roles';
import type { BlockTask, ModuleTask, Task } from '../../src/playbook/types';

const dir = path.join(__dirname, '..', 'fixtures', 'roles-lab');

function messages(tasks: Task[]): string[] {
  return tasks.flatMap((t) =>
    t.type === 'block' ? messages((t as BlockTask).block) : [String((t as ModuleTask).args.msg)],
  );
}

async function failure(file: string, opts = {}): Promise<PlaybookError> {
  try {
    await loadPlaybook(path.join(dir, file), opts);
  } catch (e) {
    if (e instanceof PlaybookError) return (e as { errors?: PlaybookError[] }).errors?.[0] ?? e;
    throw e;
  }
  throw new Error(`${file} loaded`);
}

test('roles_path is searched after the playbook roles/; allow_duplicates runs a role twice', async () => {
  const pb = await loadPlaybook(path.join(dir, 'path.yml'), { rolesPath: [path.join(dir, 'extra-roles')] });
  assert.equal(messages(pb.plays[0].tasks), ['base', 'base', 'outside']);
  const block = pb.plays[0].tasks[2] as BlockTask;
  assert.is((block.block[0] as BlockTask).role?.name, 'outside');
});

test('a role that is nowhere on the path is an error at its roles: entry naming the places searched', async () => {
  const e = await failure('missing.yml', { rolesPath: ['/nonexistent-roles'] });
  assert.match(e.message, /role 'nowhere' not found/);
  assert.is(e.loc?.line, 3);
  assert.match(e.hint ?? '', /nonexistent-roles/);
});

test('a dependency cycle is reported, not followed forever', async () => {
  const e = await failure('cycle.yml', { rolesPath: [] });
  assert.match(e.message, /role dependency cycle: loop-a → loop-b → loop-a/);
});

test('remote_user is a play and task keyword; a typo of it never suggests become_user', async () => {
  const e = await failure('remote-user.yml');
  assert.match(e.message, /unknown task keyword 'remote_usr' — did you mean 'remote_user'\?/);
});

test('ANSIBLE_ROLES_PATH replaces the default roles path', () => {
  assert.equal(defaultRolesPath({ ANSIBLE_ROLES_PATH: '/a:/b' }), ['/a', '/b']);
  assert.ok(defaultRolesPath({}).includes('/etc/ansible/roles'));
});

test.run();
