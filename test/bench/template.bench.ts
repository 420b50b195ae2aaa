/**
 * Templating and loading costs: a cached render per host (the runner renders the same strings for every
 * host of a fleet), the first render of a new string (parse + compile), a bare condition, and loading the
 * headline playbook (YAML + schema + template checks).
 * Run: npx tsx test/bench/template.bench.ts [N]   (default N=20000)
 */
import * as path from 'node:path';
import { loadPlaybook } from '../../src/playbook/index';
import { Templar } from '../../src/template/index';

function time(label: string, n: number, fn: (i: number) => unknown): void {
  for (let i = 0; i < Math.min(n, 1000); i++) fn(i);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  const us = ((performance.now() - t0) * 1000) / n;
  console.log(`${label.padEnd(64)} ${us.toFixed(2)} µs/op  (n=${n})`);
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 20000);
  const t = new Templar();
  // A host's variables: inventory + facts-sized.
  const vars: Record<string, unknown> = {
    inventory_hostname: 'master-1',
    node_ip: '10.0.0.5',
    svc_cidr: '10.254.0.0/24',
    sans: ['kubernetes', 'kubernetes.default', '10.254.0.1'],
    result: { rc: 0, changed: false, stdout: 'ok' },
  };
  for (let i = 0; i < 200; i++) vars[`var_${i}`] = `value ${i}`;

  time('render {{ node_ip }} (cached, native)', n, () => t.render('{{ node_ip }}', vars));
  time('render "DNS.1 = {{ inventory_hostname }} IP.1 = {{ node_ip }}"', n, () =>
    t.render('DNS.1 = {{ inventory_hostname }} IP.1 = {{ node_ip }}', vars),
  );
  time("render svc_cidr | ipaddr('1') | ipaddr('address')", n, () =>
    t.render("{{ svc_cidr | ansible.utils.ipaddr('1') | ansible.utils.ipaddr('address') }}", vars),
  );
  time('render (sans + [node_ip]) | unique | sort', n, () =>
    t.render('{{ (sans + [node_ip]) | unique | sort }}', vars),
  );
  time('condition result.rc == 0 and result is not changed', n, () =>
    t.condition('result.rc == 0 and result is not changed', vars),
  );
  time('first render of a new string (parse + compile)', Math.min(n, 2000), (i) =>
    t.render(`{{ node_ip }}-${i}`, vars),
  );

  const pb = path.resolve(__dirname, '../../playbooks/fix-apiserver-sans.yml');
  await loadPlaybook(pb);
  const m = 50;
  const t0 = performance.now();
  for (let i = 0; i < m; i++) await loadPlaybook(pb);
  console.log(
    `${'loadPlaybook(playbooks/fix-apiserver-sans.yml)'.padEnd(64)} ${((performance.now() - t0) / m).toFixed(2)} ms/op  (n=${m})`,
  );
}

void main();
