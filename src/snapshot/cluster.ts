/**
 * The new cluster a restore creates: peer URLs parsed and checked as etcd
 * does (types.NewURLs, NewURLsMap, ServerConfig.VerifyBootstrap), and member
 * and cluster IDs derived exactly as etcd derives them:
 *
 *   member ID  = first 8 bytes (big-endian) of SHA-1(sorted peer URLs joined ‖ cluster token)
 *   cluster ID = first 8 bytes (big-endian) of SHA-1(member IDs ascending, 8 bytes BE each)
 */
import { crypto, dns } from '../builtins.js';
import { goQuote } from '../go/quote.js';
import { isIP, isIPv6 } from '../client/ip.js';
import { goParseURL, goSplitHostPort, parsePeerURL, PeerURLError } from '../go/url.js';

/** A bad --initial-cluster / --initial-advertise-peer-urls / --name: etcd's message. */
export class ClusterConfigError extends Error {}

/** types.NewURLs: each trimmed, parsed and checked; sorted by their text. */
export function parsePeerURLs(list: string[]): string[] {
  if (list.length === 0) throw new ClusterConfigError('no valid URLs given');
  const out: string[] = [];
  for (const raw of list) {
    try {
      out.push(parsePeerURL(raw).text);
    } catch (err) {
      if (err instanceof PeerURLError) throw new ClusterConfigError(err.message);
      throw err;
    }
  }
  return out.sort(byText);
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** types.NewURLsMap: `name=url,name=url,...`; a name given several times gets several URLs. */
export function parseInitialCluster(s: string): Map<string, string[]> {
  const raw = new Map<string, string[]>();
  for (const item of s.split(',')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    const name = eq >= 0 ? item.slice(0, eq) : item;
    const value = eq >= 0 ? item.slice(eq + 1) : '';
    raw.set(name, [...(raw.get(name) ?? []), value]);
  }
  const out = new Map<string, string[]>();
  // Go iterates a map: the first bad entry reported may be any; sorting the names makes it stable.
  for (const name of [...raw.keys()].sort(byText)) out.set(name, parsePeerURLs(raw.get(name)!));
  return out;
}

/** URLsMap.String(): name=url pairs, sorted. */
export function urlsMapText(m: Map<string, string[]>): string {
  const pairs: string[] = [];
  for (const [name, urls] of m) for (const u of urls) pairs.push(`${name}=${u}`);
  return pairs.sort(byText).join(',');
}

export interface Member {
  id: bigint;
  name: string;
  peerURLs: string[];
}

/** etcd's member ID: SHA-1 of the sorted peer URLs joined without separator, then the cluster token. */
export function memberId(peerURLs: string[], token: string): bigint {
  const sorted = [...peerURLs].sort(byText);
  return crypto().createHash('sha1').update(Buffer.from(sorted.join('') + token, 'utf8')).digest().readBigUInt64BE(0);
}

/** etcd's cluster ID: SHA-1 of the member IDs in ascending order, 8 bytes big-endian each. */
export function clusterId(ids: bigint[]): bigint {
  const sorted = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const buf = Buffer.alloc(8 * sorted.length);
  sorted.forEach((id, i) => buf.writeBigUInt64BE(id, 8 * i));
  return crypto().createHash('sha1').update(buf).digest().readBigUInt64BE(0);
}

/** Go's %q of a []string: ["a" "b"]. */
function quoteList(l: string[]): string {
  return `[${l.map((s) => goQuote(s)).join(' ')}]`;
}

/** Resolves host:port of a URL as etcd does before comparing (localhost and unix sockets are left alone). */
async function resolveURL(url: string): Promise<string> {
  const u = goParseURL(url);
  if (u.scheme === 'unix' || u.scheme === 'unixs') return url;
  const hp = goSplitHostPort(u.host);
  if (!hp) throw new Error(`missing port in address`);
  if (hp.host === 'localhost') return url;
  let ip = hp.host;
  if (isIP(ip) === 0) {
    const addrs = await dns().promises.lookup(hp.host, { all: true, verbatim: true });
    if (addrs.length === 0) throw new Error(`no such host`);
    ip = addrs[0].address;
  }
  const host = isIPv6(ip) ? `[${ip}]:${hp.port}` : `${ip}:${hp.port}`;
  return `${u.scheme}://${host}`;
}

/** netutil.URLStringsEqual: equal as text, or after resolving host names. Returns undefined or why not. */
async function urlsEqual(a: string[], b: string[]): Promise<string | undefined> {
  if (a.length !== b.length) return `len(${quoteList(a)}) != len(${quoteList(b)})`;
  const sa = [...a].sort(byText);
  const sb = [...b].sort(byText);
  if (sa.every((x, i) => x === sb[i])) return undefined;
  let ra: string[];
  let rb: string[];
  try {
    ra = (await Promise.all(sa.map(resolveURL))).sort(byText);
  } catch (err) {
    return `failed to resolve ${JSON.stringify(sa.join(','))} (${(err as Error).message})`;
  }
  try {
    rb = (await Promise.all(sb.map(resolveURL))).sort(byText);
  } catch (err) {
    return `failed to resolve ${JSON.stringify(sb.join(','))} (${(err as Error).message})`;
  }
  for (let i = 0; i < ra.length; i++) {
    if (ra[i] !== rb[i]) return `resolved urls: ${JSON.stringify(ra[i])} != ${JSON.stringify(rb[i])}`;
  }
  return undefined;
}

export interface NewCluster {
  /** All members, ascending by ID. */
  members: Member[];
  /** This member (--name). */
  self: Member;
  clusterId: bigint;
}

/**
 * Builds the cluster from the restore flags with etcd's checks, in etcd's
 * order: the peer URLs, the initial cluster, --name in it, its URLs equal to
 * the advertised ones, no URL twice, no two members with one ID.
 */
export async function newCluster(opts: { name: string; initialCluster: string; token: string; peerURLs: string }): Promise<NewCluster> {
  const advertised = parsePeerURLs(opts.peerURLs.split(','));
  const map = parseInitialCluster(opts.initialCluster);
  const mine = map.get(opts.name);
  if (!mine) throw new ClusterConfigError(`couldn't find local name ${JSON.stringify(opts.name)} in the initial cluster configuration`);
  const why = await urlsEqual(advertised, mine);
  if (why !== undefined) {
    const missing = mine.filter((u) => !advertised.includes(u)).sort(byText);
    if (missing.length > 0) {
      throw new ClusterConfigError(
        `--initial-cluster has ${missing.map((u) => `${opts.name}=${u}`).join(',')} but missing from --initial-advertise-peer-urls=${advertised.join(',')} (${why})`,
      );
    }
    const extra = advertised.filter((u) => !mine.includes(u)).sort(byText);
    const self = urlsMapText(new Map([[opts.name, advertised]]));
    if (extra.length > 0) throw new ClusterConfigError(`--initial-advertise-peer-urls has ${extra.join(',')} but missing from --initial-cluster=${self}`);
    throw new ClusterConfigError(`failed to resolve ${advertised.join(',')} to match --initial-cluster=${self} (${why})`);
  }
  const seen = new Set<string>();
  for (const urls of map.values()) {
    for (const u of urls) {
      if (seen.has(u)) throw new ClusterConfigError(`initial cluster ${urlsMapText(map)} has duplicate url`);
      seen.add(u);
    }
  }
  if (urlsMapText(map) === '') throw new ClusterConfigError('initial cluster unset and no discovery URL found');
  const members: Member[] = [];
  const byId = new Map<bigint, Member>();
  for (const [name, urls] of map) {
    const m: Member = { id: memberId(urls, opts.token), name, peerURLs: urls };
    const other = byId.get(m.id);
    if (other) {
      throw new ClusterConfigError(`member exists with identical ID &{${m.id.toString(16)} {[${m.peerURLs.join(' ')}] false} {${m.name} []}}`);
    }
    if (m.id === 0n) throw new ClusterConfigError('cannot use 0 as member id');
    byId.set(m.id, m);
    members.push(m);
  }
  members.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { members, self: byId.get(memberId(mine, opts.token))!, clusterId: clusterId(members.map((m) => m.id)) };
}
