/**
 * The run's in-memory inventory changes (add_host, group_by), as Ansible's add_dynamic_host and
 * add_dynamic_group: what counts as a change, where added hosts go (first in `all`, `ungrouped` without a
 * group), variables merged over the host's own, groups and parents created, loops refused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InventoryData } from '../../src/inventory/inventory-data';

function inv(): InventoryData {
  const i = new InventoryData();
  i.addHost('w1', 'web');
  i.addHost('w2', 'web');
  i.addHost('d1', 'db');
  i.setGroupVars('all', { site: 'lab' });
  i.setHostVars('d1', { port: 5432 });
  return i.finalize();
}

test('add_host: a new host comes first in all, in its groups, with all group vars; again is no change', () => {
  const i = inv();
  assert.ok(i.dynamicHostChanges('n1', ['added'], { color: 'blue' }));
  assert.ok(i.addDynamicHost('n1', ['added', 'extra'], { color: 'blue' }));
  assert.ok(i.addDynamicHost('n2', [], {}));
  assert.equal(i.select('all'), ['n1', 'n2', 'w1', 'w2', 'd1']);
  assert.equal(i.select('added:extra'), ['n1']);
  assert.equal(i.select('ungrouped'), ['n2']);
  const v = i.hostVars('n1');
  assert.is(v.color, 'blue');
  assert.is(v.site, 'lab');
  assert.equal(v.group_names, ['added', 'extra']);
  assert.equal((v.groups as Record<string, string[]>)['all'], ['n1', 'n2', 'w1', 'w2', 'd1']);
  assert.not.ok(i.dynamicHostChanges('n1', ['added'], { color: 'blue' }));
  assert.not.ok(i.addDynamicHost('n1', ['added'], {}));
});

test('add_host on an existing host: vars merge over its own, a new group is a change', () => {
  const i = inv();
  assert.not.ok(i.addDynamicHost('d1', ['db'], { port: 5432 }));
  assert.ok(i.addDynamicHost('d1', [], { port: 5433, x: 1 }));
  assert.equal([i.hostVars('d1').port, i.hostVars('d1').x], [5433, 1]);
  assert.ok(i.addDynamicHost('d1', ['web'], {}));
  assert.equal(i.select('web'), ['w1', 'w2', 'd1']);
  assert.equal(i.select('all'), ['w1', 'w2', 'd1'], 'an inventory host keeps its place');
});

test('group_by: group and parents created, the host added; again is no change; a loop is refused', () => {
  const i = inv();
  assert.ok(i.addDynamicGroup('w1', 'kind_web', ['kinds']));
  assert.ok(i.addDynamicGroup('w2', 'kind_web', ['kinds']));
  assert.not.ok(i.dynamicGroupChanges('w2', 'kind_web', ['kinds']));
  assert.not.ok(i.addDynamicGroup('w2', 'kind_web', ['kinds']));
  assert.ok(i.addDynamicGroup('d1', 'kind_db', ['kinds']));
  assert.equal(i.select('kinds'), ['w1', 'w2', 'd1']);
  assert.equal(i.hostVars('w1').group_names, ['kind_web', 'kinds', 'web']);
  assert.throws(() => i.addDynamicGroup('w1', 'kinds', ['kind_web']), /dependency loop/);
});

test.run();
