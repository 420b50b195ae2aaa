import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  fingerprint,
  KnownHosts,
  keyTypeOf,
  knownHostsName,
  parseKnownHosts,
  patternsMatch,
} from '../../src/transport/ssh-known-hosts';

function blob(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const b = Buffer.from(body);
  const out = Buffer.alloc(8 + t.length + b.length);
  out.writeUInt32BE(t.length, 0);
  t.copy(out, 4);
  out.writeUInt32BE(b.length, 4 + t.length);
  b.copy(out, 8 + t.length);
  return out;
}
const keyA = blob('ssh-ed25519', 'A'.repeat(32));
const keyB = blob('ssh-ed25519', 'B'.repeat(32));

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

const dir = mkdtempSync(join(tmpdir(), 'rm-kh-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('names: port 22 is bare, others are [host]:port', () => {
  assert.is(knownHostsName('m1', 22), 'm1');
  assert.is(knownHostsName('10.0.0.1', 2222), '[10.0.0.1]:2222');
});

test('patterns: lists, wildcards, negation, brackets', () => {
  assert.ok(patternsMatch('a,b,m1', 'm1'));
  assert.ok(patternsMatch('*.example.com', 'm1.example.com'));
  assert.not.ok(patternsMatch('*.example.com,!m2.example.com', 'm2.example.com'));
  assert.ok(patternsMatch('[10.0.0.1]:2222', '[10.0.0.1]:2222'));
  assert.not.ok(patternsMatch('[10.0.0.1]:2222', '10.0.0.1'));
  assert.not.ok(patternsMatch('10.0.0.1', '10.0.0.10'));
});

test('hashed entries match only their host', () => {
  const h = hashed('[m1]:2200');
  assert.ok(patternsMatch(h, '[m1]:2200'));
  assert.not.ok(patternsMatch(h, 'm1'));
});

test('parse: markers, comments, bad lines', () => {
  const lines = parseKnownHosts(
    `# c\n@revoked * ssh-ed25519 ${keyB.toString('base64')}\nm1 ssh-ed25519 X comment\nbroken\n@weird m ssh-ed25519 Y\n`,
  );
  assert.is(lines.length, 2);
  assert.is(lines[0]!.marker, 'revoked');
  assert.is(lines[1]!.line, 3);
});

test('verify: ok, unknown, changed (names file:line), revoked', () => {
  const f = join(dir, 'kh1');
  writeFileSync(
    f,
    `${hashed('m1')} ssh-ed25519 ${keyA.toString('base64')}\n[m2]:2200 ssh-ed25519 ${keyA.toString('base64')}\n@revoked * ssh-ed25519 ${keyB.toString('base64')}\n`,
  );
  const kh = new KnownHosts([f]);
  assert.is(kh.verify('m1', 22, keyA).status, 'ok');
  assert.is(kh.verify('m2', 2200, keyA).status, 'ok');
  assert.is(kh.verify('m2', 22, keyA).status, 'unknown');
  assert.is(kh.verify('m3', 22, keyA).status, 'unknown');
  const other = blob('ssh-ed25519', 'C'.repeat(32));
  const v = kh.verify('m1', 22, other);
  assert.is(v.status, 'changed');
  if (v.status === 'changed') assert.is(v.line.line, 1);
  assert.is(kh.verify('m1', 22, keyB).status, 'revoked');
});

test('add records [host]:port lines that verify afterwards, also for a fresh reader', () => {
  const f = join(dir, 'sub', 'kh2');
  const kh = new KnownHosts([f]);
  assert.is(kh.verify('m9', 2201, keyA).status, 'unknown');
  kh.add('m9', 2201, keyA);
  assert.is(kh.verify('m9', 2201, keyA).status, 'ok');
  assert.match(readFileSync(f, 'utf8'), /^\[m9\]:2201 ssh-ed25519 /);
  assert.is(new KnownHosts([f]).verify('m9', 2201, keyA).status, 'ok');
});

test('fingerprint and key type look like OpenSSH', () => {
  assert.is(keyTypeOf(keyA), 'ssh-ed25519');
  assert.match(fingerprint(keyA), /^SHA256:[A-Za-z0-9+/]{43}$/);
});

test.run();
