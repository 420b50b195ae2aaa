import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModuleError, PlaybookError } from '../../src/errors';
import {
  loadPlaybook,
  loadTaskFile,
  loadVarsFile,
  MAX_LOAD_ERRORS,
  PlaybookErrors,
  validateModuleArgs,
} from '../../src/playbook/index';
import type { BlockTask, IncludeTask, ModuleTask, Task } from '../../src/playbook/types';
import { OMIT } from '../../src/template/index';
import { thrown } from '../helpers/must-throw';

const GOOD = path.resolve(__dirname, '../fixtures/playbooks');
const BAD = path.resolve(__dirname, '../fixtures/bad');

const mod = (t: Task | undefined): ModuleTask => {
  assert.ok(t && t.type === 'module', `expected a module task, got ${t?.type}`);
  return t as ModuleTask;
};

test('keywords.yml: every task keyword is normalized', async () => {
  const pb = await loadPlaybook(path.join(GOOD, 'keywords.yml'));
  assert.is(pb.file, path.join(GOOD, 'keywords.yml'));
  assert.is(pb.dir, GOOD);
  const play = pb.plays[0];
  assert.is(play.name, 'Task keywords');
  assert.is(play.hosts, 'localhost');
  assert.is(play.gatherFacts, false, 'YAML 1.1: no is false');
  assert.is(play.connection, 'local', 'connection: local is the play connection');
  assert.is(
    play.vars.ansible_connection,
    undefined,
    'not a play variable: inventory ansible_connection wins',
  );
  assert.equal(play.tags, ['keywords']);
  assert.equal(play.environment, { REMEDIATE_PLAY_ENV: 'play' });
  const [mkdir, touch, sh, loop, withItems, withList, until, args, ignore, setFact, stat, asrt, meta] =
    play.tasks.map(mod);
  assert.is(mkdir.module, 'file', 'FQCN → short name');
  assert.equal(mkdir.args, { path: '{{ workdir }}/kw', state: 'directory', mode: '0755' });
  assert.equal(mkdir.tags, ['always']);
  assert.equal(mkdir.loc, { file: pb.file, line: 14, col: 7 });
  assert.equal(mkdir.argsLoc, { file: pb.file, line: 15, col: 29 });
  assert.equal(touch.args, {
    _raw_params: 'touch {{ workdir }}/kw/created',
    creates: '{{ workdir }}/kw/created',
  });
  assert.is(touch.register, 'touched');
  assert.equal(sh.args, { _raw_params: 'echo "$REMEDIATE_TASK_ENV-$REMEDIATE_PLAY_ENV"' });
  assert.equal(sh.changedWhen, [false]);
  assert.equal(sh.failedWhen, ['env_out.rc != 0', "'task' not in env_out.stdout"]);
  assert.equal(sh.environment, { REMEDIATE_TASK_ENV: 'task' });
  assert.is(loop.loop, '{{ items_list }}');
  assert.equal(loop.loopControl, { loopVar: 'entry', indexVar: 'idx', label: '{{ entry }}' });
  assert.equal(loop.notify, ['files written']);
  assert.equal(withItems.loop, ['w1', 'w2', 'w3'], 'with_items flattens one level');
  assert.equal(withItems.notify, ['files written']);
  assert.equal(withList.loop, ['x', 'y']);
  assert.equal(until.until, ["ready.stdout == 'ready'"]);
  assert.is(until.retries, '{{ retries_wanted }}');
  assert.is(until.delay, 0);
  assert.equal(args.args, { path: '{{ workdir }}/kw/lines', line: '{{ greeting }}', create: true });
  assert.is(ignore.ignoreErrors, true);
  assert.is(setFact.noLog, true);
  assert.is(setFact.ignoreUnreachable, true);
  assert.is(setFact.runOnce, true);
  assert.is(setFact.delegateTo, 'localhost');
  assert.equal(setFact.args, { secret_token: 's3cr3t', failed_rc: '{{ failed_cmd.rc }}' });
  assert.is(stat.checkMode, false);
  assert.is(stat.become, false);
  assert.is(stat.becomeUser, 'root');
  assert.is(stat.becomeMethod, 'sudo');
  assert.is(stat.anyErrorsFatal, false);
  assert.equal(asrt.when, ['items_list | length == 2', "greeting is match('hel')"]);
  assert.equal(asrt.vars, { local_flag: 'yes' });
  assert.equal(meta.args, { _raw_params: 'flush_handlers' });
  const [h] = play.handlers;
  assert.is(h.name, 'files written');
  assert.equal(h.listen, ['loop done']);
});

test('blocks.yml: blocks, import (inlined with its own locations), include, play keywords', async () => {
  const pb = await loadPlaybook(path.join(GOOD, 'blocks.yml'));
  const play = pb.plays[0];
  assert.equal(play.serial, [1, '50%']);
  assert.is(play.strategy, 'linear');
  assert.is(play.maxFailPercentage, 0);
  assert.is(play.anyErrorsFatal, true);
  assert.is(play.forceHandlers, true);
  assert.is(play.ignoreUnreachable, false);
  assert.is(play.checkMode, false);
  assert.is(play.become, false);
  assert.is(play.becomeUser, 'root');
  assert.is(play.becomeMethod, 'sudo');
  assert.equal(play.environment, { REMEDIATE_FIXTURE: 'blocks' });
  assert.equal(play.tags, ['fixtures']);
  assert.equal(play.varsFiles, ['vars/common.yml']);
  assert.is(play.preTasks.length, 1);
  assert.is(play.postTasks.length, 1);
  const [blk, imp, inc] = play.tasks as [BlockTask, BlockTask, IncludeTask];
  assert.is(blk.type, 'block');
  assert.is(blk.block.length, 2);
  assert.is(blk.rescue.length, 1);
  assert.is(blk.always.length, 1);
  assert.equal(blk.when, ['marker is defined']);
  assert.equal(blk.tags, ['blocks']);
  assert.is(imp.type, 'block', 'import_tasks is inlined as a block');
  assert.equal(imp.vars, { suffix: 'imported' });
  assert.equal(imp.block[0].loc, { file: path.join(GOOD, 'tasks/common.yml'), line: 2, col: 3 });
  assert.is(inc.type, 'include');
  assert.is(inc.file, 'tasks/common.yml');
  assert.is(inc.baseDir, GOOD);
  assert.equal(inc.loop, ['one', 'two']);
  assert.is(inc.loopControl?.loopVar, 'suffix');
});

test('free-form.yml: free-form and key=value arguments', async () => {
  const pb = await loadPlaybook(path.join(GOOD, 'free-form.yml'));
  const play = pb.plays[0];
  assert.is(play.name, 'localhost', 'a play without a name is named by its hosts');
  const [dir, shell, raw, debug, setFact] = play.tasks.map(mod);
  assert.equal(dir.args, { path: '{{ workdir }}/ff', state: 'directory' });
  assert.equal(shell.args, {
    _raw_params: `printf '%s\\n' "a b" > {{ workdir }}/ff/out`,
    chdir: '{{ workdir }}',
    creates: '{{ workdir }}/ff/out',
  });
  assert.equal(raw.args, { _raw_params: 'cat {{ workdir }}/ff/out' });
  assert.equal(debug.args, { msg: 'raw said {{ raw_out.stdout | trim }}' });
  assert.equal(setFact.args, { answer: '42', label: 'the answer', sure: true });
});

// Each bad input: where the error must point and what it must say.
const bad: [file: string, line: number, col: number, fragment: string, at?: string][] = [
  ['malformed.yml', 5, 5, 'YAML syntax error: Flow sequence'],
  ['unknown-module.yml', 4, 7, "unknown module or task keyword 'comand' — did you mean 'command'?"],
  ['misspelt-keyword.yml', 5, 7, "unknown task keyword 'becom' — did you mean 'become'?"],
  [
    'wrong-type.yml',
    5,
    15,
    `invalid 'become': expected a boolean or a {{ template }}, got string "sometimes"`,
  ],
  ['unknown-arg.yml', 6, 9, "module 'file' has no argument 'stat' — did you mean 'state'?"],
  [
    'wrong-arg-type.yml',
    5,
    15,
    `module 'wait_for' argument 'port': expected number, got string "six-four-four-three"`,
  ],
  ['notify-no-handler.yml', 7, 11, "notify 'restart apiserver' matches no handler of this play"],
  ['bad-serial.yml', 2, 11, "invalid 'serial': must be at least 1"],
  ['bad-serial-percent.yml', 2, 15, "invalid 'serial.1'"],
  ['bad-include.yml', 4, 21, 'cannot read task file'],
  [
    'import-cycle.yml',
    1,
    17,
    'import_tasks cycle: cycle-a.yml → cycle-b.yml → cycle-a.yml',
    'tasks/cycle-b.yml',
  ],
  [
    'loop-and-with-items.yml',
    5,
    7,
    "use only one of 'loop' and the with_* keywords (found 'loop' and 'with_items')",
  ],
  ['negative-retries.yml', 6, 16, "invalid 'retries': must not be negative"],
  [
    'bad-strategy.yml',
    2,
    13,
    `invalid 'strategy': expected 'linear', 'free' or a {{ template }}, got string "parallel"`,
  ],
  ['two-modules.yml', 5, 7, "a task calls exactly one module; found 'command' and 'shell'"],
  ['not-a-list.yml', 1, 1, 'a playbook must be a list of plays'],
  ['kv-not-kv.yml', 3, 13, `module 'file' takes key=value arguments or a mapping, not "/tmp/x"`],
  ['missing-hosts.yml', 1, 3, "a play needs 'hosts'"],
  ['unknown-play-keyword.yml', 1, 3, "unknown play keyword 'hsts' — did you mean 'hosts'?"],
  ['handler-block.yml', 5, 7, "a handler cannot use 'block'"],
  ['bad-loop-control.yml', 6, 9, "unknown key 'loop_vr' in 'loop_control' — did you mean 'loop_var'?"],
  ['templated-import.yml', 3, 21, 'import_tasks path cannot be templated'],
  ['unknown-meta.yml', 3, 13, "did you mean 'flush_handlers'?"],
  ['register-on-block.yml', 5, 7, "'register' is not allowed on a block"],
  ['missing-vars-file.yml', 4, 7, 'vars file vars/nope.yml does not exist'],
  ['unquoted-template.yml', 4, 14, 'a value starting with {{ must be quoted'],
  ['vault.yml', 3, 22, 'found vault-encrypted data, but no vault password was given'],
  ['duplicate-key.yml', 5, 7, 'Map keys must be unique'],
  ['no-module.yml', 3, 7, 'task has no module'],
  ['bad-template.yml', 5, 14, 'template syntax error in "value is {{ foo + }}"'],
  [
    'unknown-filter.yml',
    6,
    14,
    "no filter named 'ansible.utils.ipadr' in \"{{ svc | ansible.utils.ipadr('1') }}\" — did you mean 'ansible.utils.ipaddr'?",
  ],
  ['bad-when.yml', 6, 11, "no test named 'sucess' in \"{{ result is sucess }}\" — did you mean 'success'?"],
  ['bad-play-vars.yml', 3, 8, "no filter named 'defualt'"],
];

for (const [file, line, col, fragment, at] of bad) {
  test(`bad/${file} → ${at ?? file}:${line}:${col}`, async () => {
    try {
      await loadPlaybook(path.join(BAD, file));
      assert.unreachable('should have thrown');
    } catch (e) {
      assert.instance(e, PlaybookError);
      const err = e as PlaybookError;
      assert.is(err.exitCode, 4);
      assert.equal(err.loc, { file: path.join(BAD, at ?? file), line, col });
      assert.ok(err.message.startsWith(`${path.join(BAD, at ?? file)}:${line}:${col}: `), err.message);
      assert.ok(err.message.includes(fragment), `"${err.message}" should include "${fragment}"`);
    }
  });
}

test('empty-sections.yml: empty keywords and sections are absent', async () => {
  const play = (await loadPlaybook(path.join(GOOD, 'empty-sections.yml'))).plays[0];
  assert.equal(play.vars, {});
  assert.is(play.connection, 'local');
  assert.equal(play.preTasks, []);
  assert.equal(play.handlers, []);
  const t = mod(play.tasks[0]);
  assert.is(t.when, undefined);
  assert.equal(t.tags, []);
});

test('anchors.yml: merge keys and aliases as PyYAML reads them', async () => {
  const pb = await loadPlaybook(path.join(GOOD, 'anchors.yml'));
  const [, merged, alias] = pb.plays[0].tasks.map(mod);
  assert.equal(merged.args, {
    state: 'touch',
    modification_time: 'preserve',
    access_time: 'preserve',
    path: '{{ workdir }}/anchors/a',
  });
  assert.equal(alias.args, {
    msg: { state: 'touch', modification_time: 'preserve', access_time: 'preserve' },
  });
});

test('loadVarsFile: a mapping; anything else is a located error', async () => {
  assert.equal(await loadVarsFile(path.join(GOOD, 'vars/common.yml')), { marker: 'remediate' });
  try {
    await loadVarsFile(path.join(BAD, 'vars-list.yml'));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PlaybookError);
    assert.match((e as Error).message, /vars-list\.yml:1:1: a vars file must be a mapping/);
  }
});

test('loadTaskFile: the tasks of an include, errors located in that file', async () => {
  const tasks = await loadTaskFile(path.join(GOOD, 'tasks/common.yml'));
  assert.is(mod(tasks[0]).module, 'copy');
  const from = { file: 'play.yml', line: 3, col: 5 };
  try {
    await loadTaskFile(path.join(GOOD, 'tasks/nope.yml'), from);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PlaybookError);
    assert.equal((e as PlaybookError).loc, from, 'a missing include points at the include');
  }
});

test('loadTaskFile: an unchanged file is parsed once, a changed one again', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-tasks-'));
  try {
    const file = path.join(dir, 'inc.yml');
    fs.writeFileSync(file, '- debug: msg=one\n');
    const a = await loadTaskFile(file);
    assert.is(await loadTaskFile(file), a, 'same objects for the second host');
    fs.writeFileSync(file, '- debug: msg=two\n- debug: msg=three\n');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const b = await loadTaskFile(file);
    assert.is(b.length, 2);
    assert.equal(mod(b[0]).args, { msg: 'two' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('validateModuleArgs: strict after rendering, names the argument, drops omit', () => {
  const loc = { file: 'p.yml', line: 9, col: 7 };
  const parsed = validateModuleArgs('stat', { path: '/etc/hosts', follow: OMIT }, loc) as Record<
    string,
    unknown
  >;
  assert.is(parsed.path, '/etc/hosts');
  assert.is(parsed.follow, false, 'omit dropped: the default applies');
  try {
    validateModuleArgs('wait_for', { port: '{{ not rendered }}' }, loc);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ModuleError);
    assert.match(
      (e as Error).message,
      /^p\.yml:9:7: module 'wait_for' argument 'port': expected number, got a string$/,
    );
  }
  const e = thrown(() => validateModuleArgs('wait_for', { port: 'hunter2' }, loc), 'a string port');
  assert.instance(e, ModuleError);
  assert.match((e as Error).message, /argument 'port': expected number/);
  assert.not.match((e as Error).message, /hunter2/, 'rendered values (maybe secrets) are not echoed');
});

test('many-problems.yml: every independent problem is reported, each located, in reading order', async () => {
  const file = path.join(BAD, 'many-problems.yml');
  const imported = path.join(BAD, 'tasks/two-bad.yml');
  const err = await loadPlaybook(file).then(
    () => assert.unreachable('should fail'),
    (e: unknown) => e,
  );
  assert.instance(err, PlaybookErrors);
  const errors = (err as PlaybookErrors).errors;
  const got = errors.map((e) => `${path.basename(e.loc!.file)}:${e.loc!.line}:${e.loc!.col}`);
  assert.equal(got, [
    'many-problems.yml:3:3', // gather_fact
    'many-problems.yml:4:11', // serial: banana
    'many-problems.yml:7:7', // debgu
    'many-problems.yml:10:15', // notify nope
    'many-problems.yml:14:9', // contnt
    'many-problems.yml:16:11', // shel (inside a block)
    'many-problems.yml:22:9', // handler argument (its notifiers are not reported again)
    'many-problems.yml:26:15', // notify of the second play: no handlers there
    'many-problems.yml:27:3', // third play: no hosts
    'two-bad.yml:2:9', // imported file: state: dirctory
    'two-bad.yml:6:3', // registr
  ]);
  assert.is(errors[9].loc!.file, imported);
  assert.match(errors[0].message, /did you mean 'gather_facts'/);
  assert.match(errors[1].message, /percentage from 1% to 100%/);
  assert.equal((err as PlaybookErrors).loc, errors[0].loc, 'the first problem locates the whole');
  for (const e of errors) assert.match((err as PlaybookErrors).message, e.message);
});

test('load errors stop at MAX_LOAD_ERRORS, saying so', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-many-'));
  try {
    const file = path.join(dir, 'pb.yml');
    const tasks = Array.from({ length: MAX_LOAD_ERRORS + 5 }, (_, i) => `    - debgu${i}: x\n`).join('');
    fs.writeFileSync(file, `- hosts: all\n  tasks:\n${tasks}`);
    const err = (await loadPlaybook(file).catch((e: unknown) => e)) as PlaybookErrors;
    assert.instance(err, PlaybookErrors);
    assert.is(err.errors.length, MAX_LOAD_ERRORS);
    assert.ok(err.truncated);
    assert.match(err.message, `stopped after ${MAX_LOAD_ERRORS} errors`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('loadTaskFile reports every bad task of the file', async () => {
  const err = (await loadTaskFile(path.join(BAD, 'tasks/two-bad.yml')).catch(
    (e: unknown) => e,
  )) as PlaybookErrors;
  assert.instance(err, PlaybookErrors);
  assert.equal(
    err.errors.map((e) => e.loc!.line),
    [2, 6],
  );
});

test('notify: a templated handler name defers the check to the run; without one it is a load error', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-notify-'));
  try {
    const file = path.join(dir, 'pb.yml');
    const pb = (handler: string) =>
      `- hosts: all\n  tasks:\n    - command: "true"\n      notify: restart web\n  handlers:\n    - name: ${handler}\n      debug: msg=x\n`;
    fs.writeFileSync(file, pb('"restart {{ svc }}"'));
    const ok = await loadPlaybook(file);
    assert.equal(mod(ok.plays[0]!.tasks[0]).notify, ['restart web']);
    fs.writeFileSync(file, pb('restart db'));
    const err = (await loadPlaybook(file).catch((e: unknown) => e)) as PlaybookError;
    assert.instance(err, PlaybookError);
    assert.equal(err.loc, { file, line: 4, col: 15 });
    assert.match(err.message, "notify 'restart web' matches no handler");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a templated conditional ({{ }} in when/until/changed_when/failed_when/that) is a located warning', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-warn-'));
  try {
    const file = path.join(dir, 'pb.yml');
    fs.writeFileSync(
      file,
      [
        '- hosts: all',
        '  tasks:',
        '    - debug: msg=x',
        '      when: "{{ flag | bool }}"',
        '    - assert:',
        '        that: ["{{ a }} == 1", b == 2]',
        '    - debug: msg=fine',
        '      when: flag | bool',
        '    - block:',
        '        - debug: msg=y',
        '      when: "{{ other }}"',
        '',
      ].join('\n'),
    );
    const pb = await loadPlaybook(file);
    assert.equal(pb.warnings, [
      `${file}:4:13: conditionals and bare expressions should not include {{ }} or {% %}: write \`flag | bool\``,
      `${file}:6:16: conditionals and bare expressions should not include {{ }} or {% %}: write \`a == 1\``,
      `${file}:11:13: conditionals and bare expressions should not include {{ }} or {% %}: write \`other\``,
    ]);
    fs.writeFileSync(file, '- hosts: all\n  tasks:\n    - debug: msg=x\n      when: flag\n');
    assert.is((await loadPlaybook(file)).warnings, undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('ansible.builtin.include_tasks / import_tasks / import_playbook are the short keywords', async () => {
  const pb = await loadPlaybook(path.join(GOOD, 'fqcn.yml'));
  const [, imported, included] = pb.plays[0]!.tasks;
  assert.is(imported!.type, 'block', 'import_tasks is inlined');
  assert.is(mod((imported as BlockTask).block[0]).module, 'copy');
  assert.is(included!.type, 'include');
  assert.is((included as IncludeTask).file, 'tasks/common.yml');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-fqcn-'));
  try {
    fs.writeFileSync(path.join(dir, 'sub.yml'), '- hosts: all\n  tasks:\n    - debug: msg=sub\n');
    fs.writeFileSync(path.join(dir, 'site.yml'), '- ansible.builtin.import_playbook: sub.yml\n');
    const site = await loadPlaybook(path.join(dir, 'site.yml'));
    assert.is(site.plays.length, 1);
    assert.is(site.plays[0]!.loc.file, path.join(dir, 'sub.yml'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('X-or-template keywords say what was expected for a plain string, and take a template', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remediate-kw-'));
  try {
    const file = path.join(dir, 'pb.yml');
    const cases: [string, string][] = [
      [
        'retries: abc',
        `invalid 'retries': expected a non-negative integer or a {{ template }}, got string "abc"`,
      ],
      [
        'ignore_errors: maybe',
        `invalid 'ignore_errors': expected a boolean or a {{ template }}, got string "maybe"`,
      ],
      [
        'environment: FOO=1',
        `invalid 'environment': expected a mapping or a {{ template }}, got string "FOO=1"`,
      ],
    ];
    for (const [kw, msg] of cases) {
      fs.writeFileSync(file, `- hosts: all\n  tasks:\n    - debug: msg=x\n      ${kw}\n`);
      const err = (await loadPlaybook(file).catch((e: unknown) => e)) as PlaybookError;
      assert.instance(err, PlaybookError, kw);
      assert.match(err.message, msg);
      assert.equal(err.loc, { file, line: 4, col: kw.indexOf(':') + 9 }, kw);
    }
    fs.writeFileSync(
      file,
      '- hosts: all\n  become: "{{ use_sudo }}"\n  tasks:\n    - debug: msg=x\n      become: "{{ x }}"\n',
    );
    const pb = await loadPlaybook(file);
    assert.is(pb.plays[0]!.become, '{{ use_sudo }}');
    assert.is(mod(pb.plays[0]!.tasks[0]).become, '{{ x }}');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
