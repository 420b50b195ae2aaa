import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KUBE_DNS_YML } from '../../src/lab/manifests';
import {
  controllerManagerEnv,
  KUBECONFIGS,
  kubeDnsManifest,
  migrationFiles,
} from '../../src/lab/migration-files';

const PKI = '/etc/pki/tls/kube01';
const DROP_IN = 'etc/systemd/system/kubelet.service.d/10-cluster-dns.conf';
const ETCD_UNIT = 'etc/systemd/system/etcd.service';

test('a migrated cluster without these faults has every file on the new addresses', () => {
  const f = migrationFiles(PKI, ['sans']);
  for (const k of Object.keys(KUBECONFIGS))
    assert.match(f[k]!, /^ {6}server: https:\/\/192\.168\.0\.1:6443$/m);
  assert.match(f[DROP_IN]!, /--cluster-dns=10\.254\.0\.10 /);
  assert.match(
    f[ETCD_UNIT]!,
    /--listen-client-urls=https:\/\/192\.168\.0\.1:2379,https:\/\/127\.0\.0\.1:2379 /,
  );
  assert.not.match(Object.values(f).join('\n'), /172\.16\.|192\.168\.0\.10\b/);
  assert.match(
    controllerManagerEnv(PKI, ['sans']),
    /--service-cluster-ip-range=10\.254\.0\.0\/24 --cluster-cidr=10\.32\.0\.0\/16/,
  );
  assert.is(kubeDnsManifest(KUBE_DNS_YML, ['sans']), KUBE_DNS_YML);
});

test('each fault plants exactly its leftover', () => {
  const base = migrationFiles(PKI, ['sans']);
  const changed = (faults: Parameters<typeof migrationFiles>[1]) => {
    const f = migrationFiles(PKI, faults);
    return Object.keys(f).filter((k) => f[k] !== base[k]);
  };
  assert.equal(changed(['sans', 'cluster-dns']), [DROP_IN]);
  assert.equal(changed(['sans', 'bad-kubelet']), [DROP_IN]);
  assert.equal(changed(['sans', 'kubeconfig']).sort(), Object.keys(KUBECONFIGS).sort());
  assert.equal(changed(['sans', 'etcd-sans']), [ETCD_UNIT]);
  assert.equal(changed(['sans', 'flags']), ['etc/kubernetes/controller-manager']);
  assert.equal(changed(['sans', 'dns-svc-ip']), []);
  assert.match(migrationFiles(PKI, ['cluster-dns'])[DROP_IN]!, /--cluster-dns=192\.168\.0\.10 /);
  assert.match(
    migrationFiles(PKI, ['etcd-sans'])[ETCD_UNIT]!,
    /urls=https:\/\/172\.16\.0\.1:2379,.*--advertise-client-urls=https:\/\/172\.16\.0\.1:2379$/m,
  );
  assert.match(
    controllerManagerEnv(PKI, ['flags']),
    /--service-cluster-ip-range=192\.168\.0\.0\/24 --cluster-cidr=172\.16\.0\.0\/16/,
  );
  const dns = kubeDnsManifest(KUBE_DNS_YML, ['dns-svc-ip']);
  assert.match(dns, /^ {2}clusterIP: 192\.168\.0\.10$/m);
  assert.is(dns.replace('192.168.0.10', '10.254.0.10'), KUBE_DNS_YML, 'only the clusterIP differs');
});

test.run();
