/**
 * The state behind the lab's `kubectl` stand-in (/run/lab/kube: one JSON file per object), the objects as
 * the API shows them, and what creating and deleting from manifests does. Pod health is decided from
 * reality when the pod is created; kube-dns readiness is a live TLS handshake to the `kubernetes` Service
 * verified, for its IP, against the CA the pod was given. Self-contained (serialised with
 * Function.prototype.toString into the stand-in script): everything it needs is required inside.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export function kubectlStore(yamlPath: string) {
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
  /** --cluster-dns of the running kubelet (its pid file as the lab's systemctl wrote it), if it runs. */
  const kubeletClusterDns = (): string | undefined => {
    try {
      const [pid, start] = fs.readFileSync('/run/lab/units/kubelet.pid', 'utf8').trim().split(' ');
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] !== start) return undefined;
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return argv.find((a) => a.startsWith('--cluster-dns='))?.slice('--cluster-dns='.length);
    } catch {
      return undefined;
    }
  };
  const dnsServiceIps = (): string[] =>
    list('services', 'kube-system')
      .filter((s) => s.selector?.['k8s-app'] === 'kube-dns')
      .map((s) => s.clusterIP);
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
      // The API as pods reach it: the first IP of the service range, port 443 (what kube-proxy maps to the
      // apiserver). Kept simple: a stale default/kubernetes clusterIP (svc-clusterip) is only shown by kubectl.
      const range = apiserverFlag('/etc/kubernetes/apiserver', 'service-cluster-ip-range') ?? '10.254.0.0/24';
      const kubeSvc = range.split('/')[0].replace(/\.\d+$/, '.1');
      const caFile = apiserverFlag('/etc/kubernetes/controller-manager', 'root-ca-file') ?? PKI_CA;
      const lab: any = { role };
      if (role === 'kube-dns') {
        lab.apiHost = kubeSvc;
        lab.caPem = fs.existsSync(caFile) ? fs.readFileSync(caFile, 'utf8') : '';
      } else if (role === 'wordpress') {
        // resolv.conf and the DNS the pod can reach are fixed at creation: broken DNS now, broken pod forever.
        // The pod's nameserver is the running kubelet's --cluster-dns; it answers only when it is the
        // kube-dns Service's clusterIP (and kube-dns itself works).
        lab.resolver = kubeletClusterDns();
        lab.healthy = kubeDnsReady() && !!lab.resolver && dnsServiceIps().includes(lab.resolver);
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
      if (o.spec?.clusterIP && !o.spec.clusterIP.startsWith(range.split('.').slice(0, 3).join('.') + '.')) {
        // like kubectl: the other objects are still created, the exit status says one failed
        process.stderr.write(
          `The Service "${name}" is invalid: spec.clusterIPs: Invalid value: []string{"${o.spec.clusterIP}"}: failed to allocate IP ${o.spec.clusterIP}: provided IP is not in the valid range. The range of valid IPs is ${range}\n`,
        );
        process.exitCode = 1;
        return '';
      }
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

  /** kubectl's NotFound line for a kind and name. */
  const notFound = (kind: string, name: string) =>
    `Error from server (NotFound): ${kind === 'Deployment' ? 'deployments.apps' : (kindDir(kind) ?? kind.toLowerCase() + 's')} "${name}" not found`;
  /** An object as the API shows it. */
  const view = (kind: string, x: any): any =>
    kind === 'Pod'
      ? podView(x)
      : kind === 'Service'
        ? svcView(x)
        : kind === 'Deployment'
          ? deployView(x)
          : x.metadata
            ? x
            : {
                apiVersion: 'v1',
                kind,
                metadata: { name: x.name, namespace: x.namespace, creationTimestamp: x.created },
                ...(x.data ? { data: x.data } : {}),
              };
  /** The objects of manifest files, each with the namespace it lives in and its stored state (if any). */
  const manifestObjects = (files: string[], ns: string) =>
    readManifests(files).map((o) => {
      const kind = String(o.kind);
      const n = o.metadata?.namespace ?? ns;
      const dir = kindDir(kind);
      const p = dir && objPath(dir, n, o.metadata?.name ?? '');
      return {
        kind,
        ns: n,
        name: String(o.metadata?.name),
        obj: p && fs.existsSync(p) ? readJson(p) : undefined,
      };
    });

  return {
    notFound,
    view,
    manifestObjects,
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
  };
}

export type KubectlStore = ReturnType<typeof kubectlStore>;
