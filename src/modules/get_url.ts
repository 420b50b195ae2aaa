/**
 * `get_url`: download a file over HTTP(S)/FTP on the target (Ansible's `get_url`), with the downloader an
 * operator would use there: `curl`, else `wget` (probed). Probe (read-only, GET only): which downloader
 * exists, whether dest is a directory (then the file name is the URL's last path segment), the stat and
 * digest of the destination, and — for an existing dest — the digest of what the URL serves now (streamed
 * into `sha256sum`, nothing written). Step: one exec that downloads into a temp
 * file next to dest, checks `checksum`, sets mode/owner/group and renames it over dest (atomic).
 *
 * Idempotency, as Ansible 2.14 does it: with an existing dest, a `checksum` that dest already has settles it
 * (no request, unless `force`); otherwise the probe GETs the URL — without `force` a conditional GET with
 * If-Modified-Since dest's mtime, where 304 means unchanged (file:// URLs are not conditional, as in
 * Ansible's urllib) — and a download is planned only when the served content's sha256 differs from dest's.
 * Headers are passed as secrets (never shown).
 */
import * as path from 'node:path';
import { z } from 'zod';
import { execCommand, raw, secret, sh, type ExecCommand, type RawShell, type Secret } from '../command';
import { ModuleError } from '../errors';
import { fileStat, type FileStat } from '../facts/file';
import type { ExecOutput } from '../plan/steps';
import { boolArg, intArg } from './arg-types';
import {
  attrArgs,
  attrChanges,
  checkAttrs,
  isSymbolicMode,
  modeBase,
  modeString,
  parseMode,
} from './file-attrs';
import { attrNote } from './put-content';
import { defineModule, type Change } from './types';

const ALGOS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
type Algo = (typeof ALGOS)[number];

const args = z
  .object({
    url: z.string().min(1).describe('http://, https:// or ftp:// URL to download (file:/// with curl)'),
    dest: z
      .string()
      .min(1)
      .describe('Absolute path to write; an existing directory: the file is named after the URL'),
    checksum: z
      .string()
      .optional()
      .describe('ALGORITHM:HEX (md5, sha1, sha224, sha256, sha384, sha512): verified before the rename'),
    force: boolArg()
      .default(false)
      .describe('Download even when dest exists (changed only when the content differs)'),
    headers: z
      .record(z.string(), z.union([z.string(), z.number()]))
      .optional()
      .describe('Extra request headers (never shown)'),
    timeout: intArg({ min: 1 }).default(10).describe('Seconds to connect (and of a stalled transfer)'),
    validate_certs: boolArg().default(true).describe('false: accept any TLS certificate'),
    ...attrArgs,
  })
  .strict();
type Args = z.infer<typeof args>;

interface Facts {
  tool: 'curl' | 'wget';
  /** The file written (dest, or dest/<url basename> when dest is a directory). */
  dest: string;
  stat: FileStat;
  /** Digest of the existing dest with the checksum's algorithm (when asked). */
  destDigest?: string;
  /** sha256 of what the URL serves now (an existing dest, unless a matching checksum settles it). */
  remoteSha256?: string;
  /** The conditional GET answered 304 Not Modified. */
  notModified?: boolean;
}

interface State {
  dest: string;
  tool: 'curl' | 'wget';
}

function parseChecksum(c: string | undefined): { algo: Algo; hex: string } | undefined {
  if (c === undefined || c === '') return undefined;
  const m = /^([a-z0-9]+):([0-9a-fA-F]+)$/.exec(c.trim());
  if (!m || !(ALGOS as readonly string[]).includes(m[1]!))
    throw new ModuleError(`invalid checksum ${JSON.stringify(c)}`, {
      hint: `give ALGORITHM:HEX with one of ${ALGOS.join(', ')} (a URL of a checksum file is not supported)`,
    });
  return { algo: m[1] as Algo, hex: m[2]!.toLowerCase() };
}

function checkUrl(url: string): void {
  if (!/^((https?|ftp):\/\/[^\s/]|file:\/\/\/)/i.test(url) || /[\s\0]/.test(url))
    throw new ModuleError(`invalid url ${JSON.stringify(url)}`, {
      hint: 'give an http://, https://, ftp:// (or file:///, with curl) URL without spaces',
    });
}

function checkHeaders(h: Args['headers']): [string, string][] {
  return Object.entries(h ?? {}).map(([k, v]) => {
    const val = String(v);
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(k) || /[\r\n\0]/.test(val))
      throw new ModuleError(`invalid header ${JSON.stringify(k)}`, {
        hint: 'header names are HTTP tokens; values hold no line breaks',
      });
    return [k, val];
  });
}

const redact = (url: string) => url.replace(/\/\/[^/@]*@/, '//***@');

/** The URL as an interpolation: secret when it carries user:password@. */
function urlWord(url: string): string | Secret {
  return /^[a-z]+:\/\/[^/@]*@/i.test(url) ? secret(url) : url;
}

/**
 * The downloader's command writing to `out` (`-`: stdout). With a file, curl prints `STATUS <code>` on
 * stdout (-w), wget its server response lines on stderr (-S). Headers are secrets.
 */
function fetchCmd(a: Args, tool: 'curl' | 'wget', out: RawShell, ims = false): ExecCommand {
  const hdr = checkHeaders(a.headers);
  const u = urlWord(a.url);
  const toFile = out.raw !== '-';
  // If-Modified-Since: the dest's mtime (shell variable $ims, set by the caller), as Ansible sends it
  const imsHdr = ims
    ? raw(tool === 'curl' ? '-H "If-Modified-Since: $ims"' : '--header="If-Modified-Since: $ims"')
    : raw('');
  if (tool === 'curl') {
    const k = a.validate_certs ? [] : ['-k'];
    const h = hdr.flatMap(([n, v]) => ['-H', secret(`${n}: ${v}`)] as (string | Secret)[]);
    // to a file: the status on stdout; to stdout (the probe): on stderr
    const w = ['-w', toFile ? 'STATUS %{http_code}\n' : '%{stderr}STATUS %{http_code}\n'];
    return sh`curl -sS -L -f ${k} --connect-timeout ${a.timeout} --speed-time ${a.timeout} --speed-limit 1 ${h} ${imsHdr} ${w} -o ${out} -- ${u}`;
  }
  const k = a.validate_certs ? [] : ['--no-check-certificate'];
  const h = hdr.map(([n, v]) => secret(`--header=${n}: ${v}`));
  return sh`wget -q -S ${k} --timeout=${a.timeout} ${h} ${imsHdr} -O ${out} -- ${u}`;
}

/** Name of the file a directory dest gets: the URL's last path segment (Ansible also reads Content-Disposition). */
function urlBasename(url: string): string {
  let p = url.replace(/[?#].*$/, '').replace(/^[a-z]+:\/\/[^/]*/i, '');
  p = decodeURIComponent(p.replace(/\/+$/, ''));
  const base = path.posix.basename(p);
  if (!base || base === '.' || base === '..')
    throw new ModuleError(`cannot name a file after ${JSON.stringify(url)}`, {
      hint: 'give dest as a file path',
    });
  return base;
}

export default defineModule<typeof args, Facts, State>({
  name: 'get_url',
  description: 'Download a file from HTTP, HTTPS or FTP to the target (curl or wget there)',
  args,
  async probe(ctx, a) {
    checkUrl(a.url);
    checkAttrs(a);
    const want = parseChecksum(a.checksum);
    checkHeaders(a.headers);
    if (!a.dest.startsWith('/'))
      throw new ModuleError(`dest must be an absolute path: ${JSON.stringify(a.dest)}`);
    const r = await ctx.exec(sh`d=${a.dest}
if command -v curl >/dev/null 2>&1; then echo curl; elif command -v wget >/dev/null 2>&1; then echo wget; else echo none; fi
if [ -d "$d" ]; then echo dir; else echo file; fi`);
    const [tool, kind] = r.stdout.trim().split('\n');
    if (tool !== 'curl' && tool !== 'wget')
      throw new ModuleError('neither curl nor wget is installed on the target', {
        hint: 'install curl or wget there (get_url downloads on the target)',
      });
    if (tool === 'wget' && /^file:/i.test(a.url))
      throw new ModuleError('file:// URLs need curl on the target (wget does not read them)');
    const dest = kind === 'dir' ? path.posix.join(a.dest, urlBasename(a.url)) : a.dest;
    const stat = await ctx.fact(fileStat(dest, { follow: true, umask: isSymbolicMode(a.mode) }));
    const facts: Facts = { tool, dest, stat };
    if (stat.exists && !stat.isreg) throw new ModuleError(`dest ${dest} exists and is not a regular file`);
    if (stat.isreg && want) {
      if (want.algo === 'sha256') facts.destDigest = stat.checksum;
      else {
        const d = await ctx.exec(sh`${`${want.algo}sum`} < ${dest}`);
        facts.destDigest = d.stdout.split(' ')[0]?.trim();
      }
    }
    if (stat.isreg && (a.force || !want)) {
      // GET only, nothing written: what the URL serves now (its sha256), to know whether a download would
      // change dest. Without force, a conditional GET (If-Modified-Since dest's mtime): 304 = unchanged.
      const ims = !a.force && !/^file:/i.test(a.url);
      const got = await ctx.exec(
        sh`${ims ? sh`ims=$(date -u -r ${dest} '+%a, %d %b %Y %H:%M:%S GMT')` : sh`:`}
{ { ${fetchCmd(a, tool, raw('-'), ims)} 2>&3; echo "RC $?" >&3; } | sha256sum; } 3>&1`,
      );
      const status = [...got.stdout.matchAll(/^(?:STATUS|\s*HTTP\/\S+) (\d+)/gm)].pop()?.[1];
      facts.notModified = status === '304';
      const rc = /^RC (\d+)/m.exec(got.stdout);
      const sum = /^([0-9a-f]{64})\s/m.exec(got.stdout);
      if (!facts.notModified && (!rc || rc[1] !== '0' || !sum)) {
        const err = got.stdout
          .split('\n')
          .filter((l) => l && !/^(RC |STATUS |[0-9a-f]{64}\s|\s)/.test(l))
          .join(' ');
        throw new ModuleError(
          `Request failed: ${redact(a.url)}: ${status ? `HTTP ${status} ` : ''}${err || `exit ${rc?.[1] ?? got.code}`}`,
          { data: status ? { status_code: Number(status) } : undefined },
        );
      }
      if (!facts.notModified) facts.remoteSha256 = sum![1];
    }
    return facts;
  },
  plan(a, f) {
    const want = parseChecksum(a.checksum);
    const base = { url: redact(a.url), dest: f.dest };
    const exists = f.stat.isreg;
    let download: string | undefined;
    if (!exists) download = `download ${base.url} → ${f.dest}`;
    else if (want && f.destDigest !== want.hex)
      download = `download ${base.url} → ${f.dest} (${want.algo} of dest differs)`;
    else if (f.remoteSha256 !== undefined && f.remoteSha256 !== f.stat.checksum)
      download = `download ${base.url} → ${f.dest} (content differs: sha256 ${f.stat.checksum?.slice(0, 12)} → ${f.remoteSha256?.slice(0, 12)})`;
    const state: State = { dest: f.dest, tool: f.tool };
    if (!download) {
      return {
        changes: attrChanges(f.dest, f.stat, a),
        state,
        result: {
          ...base,
          msg: f.notModified ? 'Not Modified' : 'file already exists',
          ...(f.notModified ? { status_code: 304 } : {}),
          size: f.stat.size,
          state: 'file',
        },
      };
    }
    const mode = parseMode(a.mode, modeBase(f.stat, 'file'));
    const attrs = [
      ...(a.owner !== undefined ? [sh`chown ${a.owner} -- "$tmp"`] : []),
      ...(a.group !== undefined ? [sh`chgrp ${a.group} -- "$tmp"`] : []),
      ...(mode !== undefined
        ? [sh`chmod ${modeString(mode)} -- "$tmp"`]
        : [sh`chmod ${exists ? (f.stat.mode ?? '0644') : '0644'} -- "$tmp"`]),
    ];
    const verify = want
      ? sh`got=$(${`${want.algo}sum`} < "$tmp" | cut -d' ' -f1)
if [ "$got" != ${want.hex} ]; then echo "The checksum for $tmp did not match ${want.hex}; it was $got." >&2; exit 3; fi`
      : sh`:`;
    const attrCmd = execCommand(
      attrs.map((c) => c.script).join('\n'),
      attrs.map((c) => c.display).join('\n'),
    );
    const dl = fetchCmd(a, f.tool, raw('"$tmp"'));
    const status =
      f.tool === 'curl'
        ? sh`printf '%s\n' "$out"`
        : sh`printf '%s\n' "$out" | awk '/^  HTTP[/]/{s=$2} END{print "STATUS " s}'`;
    const cmd = sh`dest=${f.dest}
tmp=$(mktemp "$(dirname -- "$dest")/.remediate-get_url.XXXXXX") || exit 1
# the temp file goes whatever ends the script: a cut connection closes its pipes, and the next write is a SIGPIPE
trap 'rm -f -- "$tmp"' EXIT
trap 'exit 1' HUP INT TERM PIPE
out=$(${dl} 2>&1); rc=$?
${status}
if [ "$rc" != 0 ]; then printf '%s\n' "$out" >&2; exit 4; fi
${verify}
printf 'SHA1 '; sha1sum < "$tmp"
printf 'MD5 '; md5sum < "$tmp"
printf 'SIZE '; wc -c < "$tmp"
${attrCmd}
mv -f -- "$tmp" "$dest"`;
    const change: Change = {
      describe: `${download}${exists ? '' : attrNote(a, f.stat)}`,
      steps: [{ kind: 'exec', id: 'download', cmd, ok: 'any', invalidates: [`file:${f.dest}`] }],
    };
    return {
      changes: [change],
      state,
      result: { ...base, checksum_dest: null },
    };
  },
  result({ plan, outputs }) {
    const out = outputs['download'] as ExecOutput | undefined;
    if (!out) return { ...(plan.result ?? {}) };
    const get = (k: string) => new RegExp(`^${k} (\\S+)`, 'm').exec(out.stdout)?.[1];
    if (out.code !== 0) {
      // the download script says why on stderr (curl/wget's message, or the checksum mismatch)
      const status = Number(get('STATUS') ?? 0);
      throw new ModuleError(
        `${out.code === 3 ? '' : `Request failed${status ? ` (HTTP ${status})` : ''}: `}${out.stderr.replace(/^STATUS .*\n?/gm, '').trim() || `exit ${out.code}`}`,
        { data: { status_code: status, url: (plan.result ?? {})['url'], dest: (plan.result ?? {})['dest'] } },
      );
    }
    return {
      ...(plan.result ?? {}),
      status_code: Number(get('STATUS') ?? 0),
      checksum_src: get('SHA1'),
      checksum_dest: get('SHA1'),
      md5sum: get('MD5'),
      size: Number(get('SIZE') ?? 0),
      msg: `OK`,
      state: 'file',
    };
  },
});
