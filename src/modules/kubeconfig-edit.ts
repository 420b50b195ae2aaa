/**
 * Pure editing of a kubeconfig's `clusters[].cluster.server` on `yaml`'s document API: the file is parsed
 * with source ranges, and only the bytes of each server scalar are replaced in the original text (in the
 * scalar's own quoting style), so comments, indentation, key order and every other value stay byte for byte.
 */
import * as ipaddr from 'ipaddr.js';
import { isMap, isScalar, isSeq, parseDocument, Scalar } from 'yaml';

export interface KubeconfigEditArgs {
  /** The new server URL, e.g. https://192.168.0.1:6443. */
  server: string;
  /** Only these cluster names (default: every cluster). */
  clusters?: string[];
  /** Only servers whose host is an address inside one of these CIDRs (e.g. the old node range). */
  only_in?: string[];
}

export interface ServerEdit {
  cluster: string;
  /** 1-based line of the server value. */
  line: number;
  before: string;
  after: string;
}

export interface KubeconfigEdit {
  content: string;
  changed: boolean;
  /** Every server considered (selected by clusters/only_in), changed or not. */
  servers: ServerEdit[];
}

export class KubeconfigError extends Error {}

/** `https://host:port[/path]` with no credentials; throws KubeconfigError otherwise. */
export function checkServerUrl(s: string): URL {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new KubeconfigError(`server ${JSON.stringify(s)} is not a URL`);
  }
  if (!/^https?:$/.test(u.protocol) || u.username || u.password || /[\s"'#]/.test(s))
    throw new KubeconfigError(`server ${JSON.stringify(s)} must be an http(s) URL without credentials`);
  return u;
}

function hostIn(server: string, cidrs: string[]): boolean {
  let host: string;
  try {
    host = new URL(server).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  if (!ipaddr.isValid(host)) return false;
  const a = ipaddr.parse(host);
  return cidrs.some((c) => {
    const [net, bits] = ipaddr.parseCIDR(c);
    return a.kind() === net.kind() && a.match([net, bits]);
  });
}

function quoted(value: string, type: Scalar['type']): string {
  if (type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  if (type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  return value;
}

export function editKubeconfig(text: string, a: KubeconfigEditArgs): KubeconfigEdit {
  checkServerUrl(a.server);
  for (const c of a.only_in ?? []) {
    try {
      ipaddr.parseCIDR(c);
    } catch {
      throw new KubeconfigError(`only_in: ${JSON.stringify(c)} is not a CIDR`);
    }
  }
  const doc = parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const at = e.linePos?.[0];
    throw new KubeconfigError(
      `not valid YAML${at ? ` (line ${at.line}, col ${at.col})` : ''}: ${e.message.split('\n')[0]}`,
    );
  }
  const clusters = isMap(doc.contents) ? doc.contents.get('clusters', true) : undefined;
  if (!isSeq(clusters)) throw new KubeconfigError('not a kubeconfig: no clusters: list');
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  const servers: ServerEdit[] = [];
  const splices: [number, number, string][] = [];
  for (const item of clusters.items) {
    if (!isMap(item)) continue;
    const name = String(item.get('name') ?? '');
    const cluster = item.get('cluster', true);
    if (!isMap(cluster)) continue;
    const node = cluster.get('server', true);
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) continue;
    if (a.clusters && !a.clusters.includes(name)) continue;
    if (a.only_in && !hostIn(node.value, a.only_in)) continue;
    servers.push({ cluster: name, line: lineOf(node.range[0]), before: node.value, after: a.server });
    if (node.value !== a.server) splices.push([node.range[0], node.range[1], quoted(a.server, node.type)]);
  }
  let content = text;
  for (const [start, end, s] of splices.sort((x, y) => y[0] - x[0]))
    content = content.slice(0, start) + s + content.slice(end);
  return { content, changed: content !== text, servers };
}
