/**
 * The lab's `kubectl` stand-in, run by node on a lab master. Self-contained (serialised with
 * Function.prototype.toString): everything it needs is required inside. State lives in /run/lab/kube;
 * pod health is decided from reality when the pod is created, and kube-dns readiness is a live TLS
 * handshake to the `kubernetes` Service verified against the CA the pod was given (see state comments).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function kubectlMain(
  jsonpath: (o: unknown, t: string) => string,
  yamlPath: string,
  argv: string[],
): Promise<void> {
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const tls = require('node:tls') as typeof import('node:tls');
  const crypto = require('node:crypto') as typeof import('node:crypto');
  const YAML = require(yamlPath) as typeof import('yaml');
  const K = process.env.LAB_KUBE_STATE || '/run/lab/kube';
  const PKI_CA = '/etc/pki/tls/kube01/ca.crt';
  const die = (msg: string, code = 1): never => {
    process.stderr.write(msg.endsWith('\n') ? msg : msg + '\n');
    process.exit(code);
  };
  const readJson = (p: string): any => JSON.parse(fs.readFileSync(p, 'utf8'));
  const writeJson = (p: string, v: unknown) => {
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p + '.tmp', JSON.stringify(v, null, 1));
    fs.renameSync(p + '.tmp', p);
  };
  const list = (kind: string, ns?: string): any[] => {
    const base = path.join(K, kind);
    const nss = ns ? [ns] : fs.existsSync(base) ? fs.readdirSync(base) : [];
    const out: any[] = [];
    for (const n of nss) {
      const d = path.join(base, n);
      if (!fs.existsSync(d)) continue;
      for (const f of fs.readdirSync(d).sort()) if (f.endsWith('.json')) out.push(readJson(path.join(d, f)));
    }
    return out;
  };
  const objPath = (kind: string, ns: string, name: string) => path.join(K, kind, ns, name + '.json');
  const rand = (n: number) =>
    Array.from(crypto.randomBytes(n), (b) => 'bcdfghjklmnpqrstvwxz2456789'[b % 27]).join('');
  const age = (iso: string) => {
    const s = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 1000));
    return s < 120
      ? `${s}s`
      : s < 7200
        ? `${Math.floor(s / 60)}m`
        : s < 172800
          ? `${Math.floor(s / 3600)}h`
          : `${Math.floor(s / 86400)}d`;
  };
  const apiserverFlag = (file: string, flag: string): string | undefined => {
    try {
      const m = new RegExp(`--${flag}=([^\\s"']+)`).exec(fs.readFileSync(file, 'utf8'));
      return m ? m[1] : undefined;
    } catch {
      return undefined;
    }
  };

  // ---- reality: a TLS handshake to the kubernetes Service, as client-go in a pod would do it ----
  let probeCache: Record<string, string> = {};
  const probeOnce = (host: string, ca: string): Promise<string> =>
    new Promise((resolve) => {
      const s = tls.connect({
        host,
        port: 443,
        ca,
        servername: '',
        checkServerIdentity: () => undefined,
        timeout: 3000,
      });
      const done = (m: string) => {
        s.destroy();
        resolve(m);
      };
      s.on('secureConnect', () => {
        const c = s.getPeerX509Certificate();
        if (!c) return done('remote error: no certificate');
        if (c.checkIP(host)) return done('ok');
        const ips = (c.subjectAltName ?? '')
          .split(', ')
          .filter((x) => x.startsWith('IP Address:'))
          .map((x) => x.slice(11));
        done(
          ips.length
            ? `x509: certificate is valid for ${ips.join(', ')}, not ${host}`
            : `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`,
        );
      });
      s.on('timeout', () => done(`dial tcp ${host}:443: i/o timeout`));
      s.on('error', (e: NodeJS.ErrnoException) => {
        const what = `${e.code} ${e.message}`;
        done(
          e.code === 'ECONNREFUSED'
            ? `dial tcp ${host}:443: connect: connection refused`
            : /EXPIRED|NOT_YET_VALID/.test(what)
              ? 'x509: certificate has expired or is not yet valid'
              : /SELF_SIGNED|UNABLE_TO_GET|UNABLE_TO_VERIFY|CERT_SIGNATURE/.test(what)
                ? 'x509: certificate signed by unknown authority'
                : e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH'
                  ? `dial tcp ${host}:443: connect: no route to host`
                  : `remote error: ${e.message}`,
        );
      });
    });
  /** Runs the live handshakes every kube-dns pod would make; `ready` then reads the results. */
  const refreshProbes = async () => {
    probeCache = {};
    for (const p of list('pods', 'kube-system'))
      if (p.lab.role === 'kube-dns' && !(p.lab.apiHost + p.lab.caPem in probeCache))
        probeCache[p.lab.apiHost + p.lab.caPem] = await probeOnce(p.lab.apiHost, p.lab.caPem);
  };
  const apiProbe = (host: string, caPem: string): string => probeCache[host + caPem] ?? 'probe missing';
  const dnsError = (pod: any): string | undefined => {
    const r = apiProbe(pod.lab.apiHost, pod.lab.caPem);
    return r === 'ok' ? undefined : r;
  };
  const ready = (pod: any): boolean => (pod.lab.role === 'kube-dns' ? !dnsError(pod) : pod.lab.healthy);
  const kubeDnsReady = () => list('pods', 'kube-system').some((p) => p.lab.role === 'kube-dns' && ready(p));

  // ---- objects as the API shows them ----
  const podView = (p: any) => {
    const ok = ready(p);
    const restarts = ok
      ? 0
      : p.lab.role === 'wordpress'
        ? 9 + Math.floor((Date.now() - Date.parse(p.created)) / 40000)
        : 0;
    const cs = p.containers.map((c: any) => ({
      name: c.name,
      image: c.image,
      ready: p.lab.role === 'kube-dns' && c.name !== 'kubedns' ? true : ok,
      restartCount: c.name === 'kubedns' || p.lab.role !== 'kube-dns' ? restarts : 0,
      state: { running: { startedAt: p.created } },
    }));
    const cond = (type: string, s: boolean) => ({ type, status: s ? 'True' : 'False' });
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: p.name, namespace: p.namespace, labels: p.labels, creationTimestamp: p.created },
      spec: {
        nodeName: 'kube01',
        containers: p.containers.map((c: any) => ({ name: c.name, image: c.image, env: c.env })),
      },
      status: {
        phase: 'Running',
        podIP: p.ip,
        hostIP: '192.168.0.1',
        conditions: [
          cond('Initialized', true),
          cond('Ready', ok),
          cond('ContainersReady', ok),
          cond('PodScheduled', true),
        ],
        containerStatuses: cs,
      },
    };
  };
  const svcView = (s: any) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: s.name, namespace: s.namespace, labels: s.labels ?? {}, creationTimestamp: s.created },
    spec: { type: s.type, clusterIP: s.clusterIP, ports: s.ports, selector: s.selector },
  });
  const deployView = (d: any) => {
    const pods = list('pods', d.namespace).filter((p) => p.owner === d.name);
    const n = pods.filter(ready).length;
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: d.name, namespace: d.namespace, creationTimestamp: d.created },
      spec: { replicas: d.replicas, selector: { matchLabels: d.labels } },
      status: { replicas: pods.length, readyReplicas: n, availableReplicas: n, updatedReplicas: pods.length },
    };
  };

  // ---- manifests ----
  const readManifests = (files: string[]): any[] => {
    const docs: any[] = [];
    for (const f of files) {
      if (!fs.existsSync(f)) die(`error: the path "${f}" does not exist`);
      const paths = fs.statSync(f).isDirectory()
        ? fs
            .readdirSync(f)
            .filter((x) => /\.(ya?ml|json)$/.test(x))
            .sort()
            .map((x) => path.join(f, x))
        : [f];
      for (const p of paths)
        for (const d of YAML.parseAllDocuments(fs.readFileSync(p, 'utf8'))) {
          if (d.errors.length) die(`error: error parsing ${p}: ${d.errors[0].message}`);
          const o = d.toJS();
          if (o && typeof o === 'object') docs.push(o.kind === 'List' ? o.items : o);
        }
    }
    return docs.flat();
  };
  const kindDir = (kind: string) =>
    (
      ({
        Deployment: 'deployments',
        Service: 'services',
        Pod: 'pods',
        ServiceAccount: 'serviceaccounts',
        ConfigMap: 'configmaps',
        Secret: 'secrets',
      }) as Record<string, string>
    )[kind];
  const shortKind = (kind: string) =>
    (({ Deployment: 'deployment.apps', Service: 'service', Pod: 'pod' }) as Record<string, string>)[kind] ??
    kind.toLowerCase();
  const makePods = (d: any) => {
    const hash = rand(9);
    for (let i = 0; i < d.replicas; i++) {
      const name = `${d.name}-${hash}-${rand(5)}`;
      const role = d.labels['k8s-app'] === 'kube-dns' ? 'kube-dns' : d.name;
      const kubeSvc = fs.existsSync(objPath('services', 'default', 'kubernetes'))
        ? readJson(objPath('services', 'default', 'kubernetes')).clusterIP
        : '10.254.0.1';
      const caFile = apiserverFlag('/etc/kubernetes/controller-manager', 'root-ca-file') ?? PKI_CA;
      const lab: any = { role };
      if (role === 'kube-dns') {
        lab.apiHost = kubeSvc;
        lab.caPem = fs.existsSync(caFile) ? fs.readFileSync(caFile, 'utf8') : '';
      } else if (role === 'wordpress') {
        // resolv.conf and the DNS the pod can reach are fixed at creation: broken DNS now, broken pod forever.
        lab.healthy = kubeDnsReady();
      } else lab.healthy = true;
      const ip = `10.32.0.${2 + (crypto.randomBytes(1)[0] % 250)}`;
      writeJson(objPath('pods', d.namespace, name), {
        name,
        namespace: d.namespace,
        owner: d.name,
        labels: d.labels,
        containers: d.containers,
        created: new Date().toISOString(),
        ip,
        lab,
      });
    }
  };
  const createObj = (o: any, ns: string, mode: 'create' | 'apply'): string => {
    const name = o.metadata?.name;
    const dir = kindDir(o.kind);
    if (!dir || !name) die(`error: unable to recognize manifest: no matches for kind "${o.kind}"`);
    const p = objPath(dir, ns, name);
    const label = `${shortKind(o.kind)}/${name}`;
    if (fs.existsSync(p)) {
      if (mode === 'apply') return `${label} unchanged`;
      die(
        `Error from server (AlreadyExists): error when creating: ${o.kind.toLowerCase()}s "${name}" already exists`,
      );
    }
    const created = new Date().toISOString();
    if (o.kind === 'Service') {
      const ip = o.spec?.clusterIP ?? `10.254.0.${20 + (crypto.randomBytes(1)[0] % 200)}`;
      const range = apiserverFlag('/etc/kubernetes/apiserver', 'service-cluster-ip-range') ?? '10.254.0.0/24';
      if (o.spec?.clusterIP && !o.spec.clusterIP.startsWith(range.split('.').slice(0, 3).join('.') + '.'))
        die(
          `The Service "${name}" is invalid: spec.clusterIPs: Invalid value: []string{"${o.spec.clusterIP}"}: failed to allocate IP ${o.spec.clusterIP}: provided IP is not in the valid range. The range of valid IPs is ${range}`,
        );
      writeJson(p, {
        name,
        namespace: ns,
        type: o.spec?.type ?? 'ClusterIP',
        clusterIP: ip,
        ports: o.spec?.ports ?? [],
        selector: o.spec?.selector ?? {},
        labels: o.metadata.labels,
        created,
      });
    } else if (o.kind === 'Deployment') {
      const t = o.spec?.template ?? {};
      const d = {
        name,
        namespace: ns,
        replicas: o.spec?.replicas ?? 1,
        labels: t.metadata?.labels ?? {},
        containers: t.spec?.containers ?? [],
        created,
      };
      writeJson(p, d);
      makePods(d);
    } else writeJson(p, { name, namespace: ns, created, data: o.data ?? {} });
    return `${label} created`;
  };
  const deleteObj = (kind: string, ns: string, name: string): string => {
    const dir = kindDir(kind);
    const p = dir && objPath(dir, ns, name);
    if (!p || !fs.existsSync(p))
      die(`Error from server (NotFound): ${kind.toLowerCase()}s "${name}" not found`);
    fs.rmSync(p as string);
    if (kind === 'Deployment')
      for (const pod of list('pods', ns)) if (pod.owner === name) fs.rmSync(objPath('pods', ns, pod.name));
    if (kind === 'Service' && ns === 'default' && name === 'kubernetes') {
      const range = apiserverFlag('/etc/kubernetes/apiserver', 'service-cluster-ip-range') ?? '10.254.0.0/24';
      const first = range.split('/')[0].replace(/\.0$/, '.1');
      writeJson(p as string, {
        name,
        namespace: ns,
        type: 'ClusterIP',
        clusterIP: first,
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
        selector: {},
        labels: { component: 'apiserver', provider: 'kubernetes' },
        created: new Date().toISOString(),
      });
    }
    return `${shortKind(kind)} "${name}" deleted`;
  };

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
    const views = objs.map((x) =>
      kind === 'Pod'
        ? podView(x)
        : kind === 'Service'
          ? svcView(x)
          : kind === 'Deployment'
            ? deployView(x)
            : x,
    );
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
        if (!objs.length) die(`Error from server (NotFound): ${dir} "${name}" not found`);
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
      if (files.length) {
        for (const o of readManifests(files))
          print(deleteObj(o.kind, o.metadata?.namespace ?? ns, o.metadata?.name));
        return;
      }
      const kind = kindOf(rest[0]?.split('/')[0]);
      const names = rest[0]?.includes('/') ? [rest[0].split('/')[1]] : rest.slice(1);
      if (!names.length) die('error: resource(s) were provided, but no name was specified');
      for (const n of names) print(deleteObj(kind, ns, n));
      return;
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
