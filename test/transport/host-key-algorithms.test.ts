import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_HOST_KEY_ALGORITHMS, hostKeyOffer } from '../../src/transport/host-key-algorithms';

test('nothing known, nothing configured: the default offer', () => {
  assert.equal(hostKeyOffer(undefined, []), {
    algorithms: [...DEFAULT_HOST_KEY_ALGORITHMS],
    reordered: false,
  });
});

test('known types go first, in the offer order (as OpenSSH), RSA as its signature algorithms', () => {
  const o = hostKeyOffer(undefined, ['ssh-rsa', 'ecdsa-sha2-nistp256']);
  assert.ok(o.reordered);
  assert.equal(o.algorithms.slice(0, 4), ['ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  assert.is(o.algorithms.length, DEFAULT_HOST_KEY_ALGORITHMS.length);
});

test('certificates and unknown types in known_hosts change nothing', () => {
  assert.not.ok(hostKeyOffer(undefined, ['ssh-ed25519-cert-v01@openssh.com', 'x']).reordered);
});

test('HostKeyAlgorithms: explicit list kept as given, wildcards, + appends, - removes, ^ prepends', () => {
  assert.equal(hostKeyOffer('ssh-rsa,ssh-ed25519', ['ecdsa-sha2-nistp256']).algorithms, [
    'ssh-rsa',
    'ssh-ed25519',
  ]);
  assert.equal(hostKeyOffer('ecdsa-sha2-*', []).algorithms, [
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
  ]);
  assert.ok(hostKeyOffer('+ssh-dss', []).algorithms.includes('ssh-dss'));
  assert.not.ok(hostKeyOffer('-ssh-ed25519', []).algorithms.includes('ssh-ed25519'));
  // with + / - the known types still go first
  assert.is(hostKeyOffer('-ssh-ed25519', ['ssh-rsa']).algorithms[0], 'rsa-sha2-512');
  assert.equal(hostKeyOffer('^ssh-rsa', ['ecdsa-sha2-nistp256']).algorithms.slice(0, 2), [
    'ssh-rsa',
    'ssh-ed25519',
  ]);
  assert.equal(hostKeyOffer('sk-ssh-ed25519@openssh.com', []).algorithms, []);
});

test.run();
