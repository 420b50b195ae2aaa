/**
 * The lab's `kubectl` stand-in, run by node on a lab master: argument parsing, output formats (table,
 * wide, json, yaml, name, jsonpath) and the verbs the scenario and the playbook use. Self-contained
 * (serialised with Function.prototype.toString); the state and the objects come from kubectlStore.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { KubectlStore } from './standin-kubectl-store';

export async function kubectlMain(
  jsonpath: (o: unknown, t: string) => string,
  store: KubectlStore,
  argv: string[],
): Promise<void> {
  const {
    fs,
    YAML,
    die,
    readJson,
    list,
    objPath,
    age,
    refreshProbes,
    dnsError,
    ready,
    podView,
    svcView,
    deployView,
    readManifests,
    kindDir,
    shortKind,
    createObj,
    deleteObj,
    notFound,
    view,
    manifestObjects,
  } = store;
  // ---- argument parsing ----
  const args: string[] = [];
  const opt: Record<string, string[]> = {};
  const flagsWithValue = [
    '-n',
    '--namespace',
    '-o',
    '--output',
    '-f',
    '--filename',
    '-l',
    '--selector',
    '-c',
    '--container',
    '--for',
    '--timeout',
    '--tail',
  ];
  const alias: Record<string, string> = {
    '--namespace': '-n',
    '--output': '-o',
    '--filename': '-f',
    '--selector': '-l',
    '--container': '-c',
    '--all-namespaces': '-A',
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v: string | undefined;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0) [a, v] = [a.slice(0, eq), a.slice(eq + 1)];
    else if (/^-[nofclo]./.test(a)) [a, v] = [a.slice(0, 2), a.slice(2).replace(/^=/, '')];
    if (!a.startsWith('-')) args.push(a);
    else {
      if (v === undefined && flagsWithValue.includes(a)) v = argv[++i];
      (opt[alias[a] ?? a] ??= []).push(v ?? 'true');
    }
  }
  const ns = opt['-n']?.[0] ?? 'default';
  const ignoreNotFound = (opt['--ignore-not-found'] ?? []).some((v) => v !== 'false');
  const fromFiles = () => manifestObjects(files, ns);
  const allNs = !!opt['-A'];
  const timeoutMs = (() => {
    const t = opt['--timeout']?.[0];
    if (!t) return 60000;
    const m = /^(\d+)(ms|s|m)?$/.exec(t);
    return m ? Number(m[1]) * ({ ms: 1, s: 1000, m: 60000 } as any)[m[2] ?? 's'] : 60000;
  })();
  const selector = (labels: Record<string, string>) =>
    (opt['-l']?.[0] ?? '')
      .split(',')
      .filter(Boolean)
      .every((kv) => {
        const [k, v] = kv.split('=');
        return labels?.[k] === v;
      });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const print = (s: string): void => void process.stdout.write(s.endsWith('\n') || s === '' ? s : s + '\n');
  const table = (rows: string[][]) => {
    const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return (
      rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i] + 3))).join('')).join('\n') +
      '\n'
    );
  };
  const kindOf = (word: string | undefined): string =>
    (
      ({
        pod: 'Pod',
        pods: 'Pod',
        po: 'Pod',
        svc: 'Service',
        service: 'Service',
        services: 'Service',
        deploy: 'Deployment',
        deployment: 'Deployment',
        deployments: 'Deployment',
        node: 'Node',
        nodes: 'Node',
        no: 'Node',
      }) as Record<string, string>
    )[(word ?? '').split('.')[0]] ?? die(`error: the server doesn't have a resource type "${word}"`);

  const emit = (kind: string, objs: any[], named: boolean): void => {
    const o = opt['-o']?.[0] ?? '';
    const views = objs.map((x) => view(kind, x));
    const doc = named ? views[0] : { apiVersion: 'v1', kind: 'List', items: views };
    if (o === 'json') return print(JSON.stringify(doc, null, 4));
    if (o === 'yaml') return print(YAML.stringify(doc));
    if (o === 'name') return print(views.map((v) => `${shortKind(kind)}/${v.metadata.name}`).join('\n'));
    if (o.startsWith('jsonpath=') || o.startsWith('jsonpath-as-json=')) {
      try {
        // like kubectl: no newline added after a jsonpath template
        return void process.stdout.write(jsonpath(doc, o.slice(o.indexOf('=') + 1)));
      } catch (e) {
        return die(String((e as Error).message));
      }
    }
    if (!views.length) return die(`No resources found in ${allNs ? 'any' : ns} namespace.`, 0);
    const nsCol = allNs ? (v: any) => [v.metadata.namespace] : () => [];
    const head = allNs ? ['NAMESPACE'] : [];
    let rows: string[][];
    if (kind === 'Pod') {
      rows = [
        [...head, 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', ...(o === 'wide' ? ['IP', 'NODE'] : [])],
      ];
      for (const v of views) {
        const cs = v.status.containerStatuses;
        rows.push([
          ...nsCol(v),
          v.metadata.name,
          `${cs.filter((c: any) => c.ready).length}/${cs.length}`,
          'Running',
          String(Math.max(...cs.map((c: any) => c.restartCount))),
          age(v.metadata.creationTimestamp),
          ...(o === 'wide' ? [v.status.podIP, 'kube01'] : []),
        ]);
      }
    } else if (kind === 'Service') {
      rows = [[...head, 'NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']];
      for (const v of views)
        rows.push([
          ...nsCol(v),
          v.metadata.name,
          v.spec.type,
          v.spec.clusterIP,
          '<none>',
          v.spec.ports
            .map((p: any) => `${p.port}${p.nodePort ? ':' + p.nodePort : ''}/${p.protocol ?? 'TCP'}`)
            .join(',') || '<none>',
          age(v.metadata.creationTimestamp),
        ]);
    } else if (kind === 'Deployment') {
      rows = [[...head, 'NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']];
      for (const v of views)
        rows.push([
          ...nsCol(v),
          v.metadata.name,
          `${v.status.readyReplicas}/${v.spec.replicas}`,
          String(v.status.updatedReplicas),
          String(v.status.availableReplicas),
          age(v.metadata.creationTimestamp),
        ]);
    } else if (kind !== 'Node') {
      rows = [[...head, 'NAME', 'AGE']];
      for (const v of views)
        rows.push([
          ...nsCol(v),
          v.metadata.name,
          age(v.metadata.creationTimestamp ?? new Date().toISOString()),
        ]);
    } else {
      rows = [['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']];
      for (const v of views) rows.push([v.metadata.name, 'Ready', 'master', '3y', 'v1.9.2']);
    }
    print(table(rows));
  };

  const [verb, ...rest] = args;
  if (['get', 'logs', 'create', 'apply'].includes(verb)) await refreshProbes();
  const files = opt['-f'] ?? [];
  switch (verb) {
    case 'get': {
      if (files.length) {
        // like kubectl get -f: the manifests' objects, grouped by kind; NotFound for each missing one
        let missing = 0;
        const found = fromFiles().filter((x) => {
          if (x.obj) return true;
          if (!ignoreNotFound) {
            process.stderr.write(notFound(x.kind, x.name) + '\n');
            missing++;
          }
          return false;
        });
        const o = opt['-o']?.[0] ?? '';
        const kinds = [...new Set(found.map((x) => x.kind))];
        if (found.length === 1 || (o === 'name' && found.length)) {
          for (const k of kinds)
            emit(
              k,
              found.filter((x) => x.kind === k).map((x) => x.obj),
              found.length === 1,
            );
        } else if (o === 'json' || o === 'yaml') {
          const views = found.map((x) => view(x.kind, x.obj));
          const doc = { apiVersion: 'v1', kind: 'List', items: views };
          print(o === 'json' ? JSON.stringify(doc, null, 4) : YAML.stringify(doc));
        } else
          kinds.forEach((k, i) => {
            if (i) print('');
            emit(
              k,
              found.filter((x) => x.kind === k).map((x) => x.obj),
              false,
            );
          });
        return process.exit(missing ? 1 : 0);
      }
      const kind = kindOf(rest[0]?.split('/')[0]);
      const name = rest[0]?.includes('/') ? rest[0].split('/')[1] : rest[1];
      if (kind === 'Node')
        return emit(
          kind,
          [{ metadata: { name: 'kube01' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }],
          !!name,
        );
      const dir = kindDir(kind);
      let objs = list(dir, allNs ? undefined : ns).filter((x) => selector(x.labels));
      if (name) {
        objs = objs.filter((x) => x.name === name);
        if (!objs.length) return ignoreNotFound ? undefined : die(notFound(kind, name));
      }
      return emit(kind, objs, !!name);
    }
    case 'logs': {
      const pod =
        list('pods', ns).find((p) => p.name === rest[0]) ??
        die(`Error from server (NotFound): pods "${rest[0]}" not found`);
      const names = pod.containers.map((c: any) => c.name);
      const c = opt['-c']?.[0] ?? rest[1] ?? (names.length === 1 ? names[0] : undefined);
      if (!c)
        die(
          `error: a container name must be specified for pod ${pod.name}, choose one of: [${names.join(' ')}]`,
        );
      if (!names.includes(c)) die(`error: container ${c} is not valid for pod ${pod.name}`);
      const t = pod.created.replace(/^\d{4}-(\d\d)-(\d\d)T([\d:.]+)Z$/, 'I$1$2 $3');
      if (pod.lab.role === 'kube-dns') {
        const err = dnsError(pod);
        if (c !== 'kubedns')
          return print(`${t}       1 nanny.go:116] dnsmasq[12]: started, version 2.78 cachesize 1000`);
        const lines = [
          `${t}       1 dns.go:48] version: 1.14.8`,
          `${t}       1 server.go:71] Using configuration read from directory: /kube-dns-config with period 10s`,
        ];
        if (err)
          for (let i = 0; i < 3; i++)
            lines.push(
              `E${t.slice(1)}       1 reflector.go:201] k8s.io/dns/pkg/dns/dns.go:147: Failed to list *v1.Service: Get https://${pod.lab.apiHost}:443/api/v1/services?resourceVersion=0: ${err}`,
              `${t}       1 dns.go:173] Waiting for services and endpoints to be initialized from apiserver...`,
            );
        else
          lines.push(
            `${t}       1 dns.go:170] Initialized services and endpoints from apiserver`,
            `${t}       1 server.go:135] Setting up Healthz Handler (/readiness)`,
          );
        return print(lines.join('\n'));
      }
      if (pod.lab.role === 'wordpress' && !pod.lab.healthy) {
        const e = 'php_network_getaddresses: getaddrinfo failed: Temporary failure in name resolution';
        return print(
          `WordPress not found in /var/www/html - copying now...\nComplete! WordPress has been successfully copied to /var/www/html\n\nWarning: mysqli::__construct(): ${e} in Standard input code on line 22\n\nWarning: mysqli::__construct(): (HY000/2002): ${e} in Standard input code on line 22\n\nMySQL Connection Error: (2002) ${e}`,
        );
      }
      if (pod.lab.role === 'wordpress')
        return print(
          `AH00558: apache2: Could not reliably determine the server's fully qualified domain name\n[mpm_prefork:notice] AH00163: Apache/2.4.10 (Debian) PHP/5.6.32 configured -- resuming normal operations\n[core:notice] AH00094: Command line: 'apache2 -D FOREGROUND'`,
        );
      return print(
        `${t} [Note] mysqld: ready for connections.\nVersion: '5.6.38'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server (GPL)`,
      );
    }
    case 'create':
    case 'apply': {
      if (!files.length) die(`error: must specify one of -f and -k`);
      for (const o of readManifests(files)) {
        if (o.kind === 'Deployment') await refreshProbes();
        print(createObj(o, o.metadata?.namespace ?? ns, verb));
      }
      return;
    }
    case 'delete': {
      // like kubectl: every object is tried; a missing one is an error (exit 1 at the end) unless ignored
      let missing = 0;
      const del = (kind: string, n: string, name: string, exists: boolean) => {
        if (exists) print(deleteObj(kind, n, name));
        else if (!ignoreNotFound) {
          process.stderr.write(notFound(kind, name) + '\n');
          missing++;
        }
      };
      if (files.length) for (const x of fromFiles()) del(x.kind, x.ns, x.name, !!x.obj);
      else {
        const kind = kindOf(rest[0]?.split('/')[0]);
        const names = rest[0]?.includes('/') ? [rest[0].split('/')[1]] : rest.slice(1);
        if (!names.length) die('error: resource(s) were provided, but no name was specified');
        for (const n of names) del(kind, ns, n, fs.existsSync(objPath(kindDir(kind) ?? '', ns, n)));
      }
      return process.exit(missing ? 1 : 0);
    }
    case 'wait': {
      const cond = (opt['--for']?.[0] ?? '').replace(/^condition=/, '');
      if (cond.toLowerCase() !== 'ready')
        die(`error: unsupported condition ${opt['--for']?.[0]} (the lab supports --for=condition=Ready)`);
      const name = rest[0]?.includes('/') ? rest[0].split('/')[1] : rest[1];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await refreshProbes();
        const pods = list('pods', ns).filter((p) => selector(p.labels) && (!name || p.name === name));
        if (!pods.length)
          die(
            name
              ? `Error from server (NotFound): pods "${name}" not found`
              : 'error: no matching resources found',
          );
        const notReady = pods.filter((p) => !ready(p));
        if (!notReady.length) return print(pods.map((p) => `pod/${p.name} condition met`).join('\n'));
        if (Date.now() >= deadline)
          die(`error: timed out waiting for the condition on pods/${notReady[0].name}`);
        await sleep(1000);
      }
    }
    case 'rollout': {
      if (rest[0] !== 'status')
        die(`error: unknown command "rollout ${rest[0]}" (the lab supports rollout status)`);
      const name = rest[1]?.includes('/') ? rest[1].split('/')[1] : rest[2];
      const p = objPath('deployments', ns, name ?? '');
      if (!name || !fs.existsSync(p))
        die(`Error from server (NotFound): deployments.apps "${name}" not found`);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await refreshProbes();
        const v = deployView(readJson(p));
        if (v.status.availableReplicas >= v.spec.replicas)
          return print(`deployment "${name}" successfully rolled out`);
        print(
          `Waiting for deployment "${name}" rollout to finish: ${v.status.availableReplicas} of ${v.spec.replicas} updated replicas are available...`,
        );
        if (Date.now() >= deadline) die('error: timed out waiting for the condition');
        await sleep(2000);
      }
    }
    case 'version':
      return print('Client Version: v1.9.2\nServer Version: v1.9.2');
    default:
      die(
        `error: unknown command "${verb ?? ''}" for "kubectl" (lab stand-in: get, logs, create, apply, delete, wait, rollout status)`,
      );
  }
}
