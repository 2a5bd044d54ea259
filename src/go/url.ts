/**
 * Go's net/url.Parse and net.SplitHostPort, as far as etcd uses them on peer
 * URLs, and etcd's check of a peer URL on top of them (types.NewURLs). Both
 * `member add/update --peer-urls` (checked before sending: a URL the server
 * cannot parse back makes its members panic) and `snapshot restore
 * --initial-cluster/--initial-advertise-peer-urls` go through here. Errors
 * carry Go's words, the URL quoted as Go's %q quotes it.
 */
import { goQuote } from './quote.js';

export interface GoURL {
  /** Lower-cased, as Go keeps it. */
  scheme: string;
  opaque: string;
  /** Without the user info; %-escapes decoded. */
  host: string;
  /** %-escapes decoded. */
  path: string;
  /**
   * The URL as text, for url.URL.String(): the parts as written, the scheme
   * lower-cased. (Go re-escapes what needs escaping and keeps a lone `?`; no
   * peer URL etcd accepts differs but by those.)
   */
  text: string;
}

const isHex = (c: string) => /^[0-9a-fA-F]$/.test(c);
const isAlnum = (c: string) => /^[a-zA-Z0-9]$/.test(c);

/** The part of url.Parse's error after `parse "URL": `, or undefined when the text unescapes. */
function unescapeProblem(s: string, host: boolean): string | undefined {
  for (let i = 0; i < s.length; ) {
    const c = s[i];
    if (c === '%') {
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) return `invalid URL escape ${goQuote(s.slice(i, i + 3))}`;
      // In a host, %-encoding is only for bytes that are not ASCII (and %25 in IPv6 zones).
      if (host && parseInt(s[i + 1], 16) < 8 && s.slice(i, i + 3) !== '%25') return `invalid URL escape ${goQuote(s.slice(i, i + 3))}`;
      i += 3;
      continue;
    }
    if (host && c.charCodeAt(0) < 0x80 && !isAlnum(c) && !"-_.~!$&'()*+,;=:[]<>\"".includes(c)) {
      return `invalid character ${goQuote(c)} in host name`;
    }
    i++;
  }
  return undefined;
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

function hostProblem(host: string): string | undefined {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) return "missing ']' in host";
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) return `invalid port ${goQuote(colonPort)} after host`;
  } else {
    const i = host.lastIndexOf(':');
    if (i >= 0 && !validOptionalPort(host.slice(i))) return `invalid port ${goQuote(host.slice(i))} after host`;
  }
  return unescapeProblem(host, true);
}

/** url.Parse(raw): the parts etcd looks at, or an Error worded as Go's (`parse "raw": why`). */
export function goParseURL(raw: string): GoURL {
  const hash = raw.indexOf('#');
  const u = hash < 0 ? raw : raw.slice(0, hash);
  const fail = (why: string, whole = u) => new Error(`parse ${goQuote(whole)}: ${why}`);
  if (/[\x00-\x1f\x7f]/.test(u)) throw fail('net/url: invalid control character in URL');
  let scheme = '';
  let rest = u;
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.exec(u);
  if (u.startsWith(':')) throw fail('missing protocol scheme');
  if (m) {
    scheme = m[0].slice(0, -1).toLowerCase();
    rest = u.slice(m[0].length);
  }
  const q = rest.indexOf('?');
  const query = q < 0 ? '' : rest.slice(q + 1);
  if (q >= 0) rest = rest.slice(0, q);
  const fragment = hash < 0 ? '' : raw.slice(hash + 1);
  const tail = `${query ? `?${query}` : ''}${fragment ? `#${fragment}` : ''}`;
  const url: GoURL = { scheme, opaque: '', host: '', path: '', text: '' };
  if (!rest.startsWith('/')) {
    if (scheme !== '') {
      url.opaque = rest;
      url.text = `${scheme}:${rest}${tail}`;
      return url;
    }
    if (rest.split('/')[0].includes(':')) throw fail('first path segment in URL cannot contain colon');
  }
  let authorityText = '';
  if (rest.startsWith('//') && (scheme !== '' || !rest.startsWith('///'))) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const at = authority.lastIndexOf('@');
    const host = at < 0 ? authority : authority.slice(at + 1);
    const problem = hostProblem(host);
    if (problem) throw fail(problem);
    if (at >= 0 && !/^[a-zA-Z0-9\-._~!$&'()*+,;=:%@]*$/.test(authority.slice(0, at))) throw fail('net/url: invalid userinfo');
    url.host = decodeURIComponentLoose(host);
    authorityText = `//${authority}`;
  }
  const pathProblem = unescapeProblem(rest, false);
  if (pathProblem) throw fail(pathProblem);
  url.path = decodeURIComponentLoose(rest);
  if (hash >= 0) {
    const fragProblem = unescapeProblem(fragment, false);
    if (fragProblem) throw fail(fragProblem, raw);
  }
  url.text = `${scheme ? `${scheme}:` : ''}${authorityText}${rest}${tail}`;
  return url;
}

/** %XX decoded (the escapes are known to be well formed here). */
function decodeURIComponentLoose(s: string): string {
  return s.includes('%') ? Buffer.from(s.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8') : s;
}

/** net.SplitHostPort: host:port, [v6]:port, one colon outside brackets; undefined where Go fails. */
export function goSplitHostPort(hostport: string): { host: string; port: string } | undefined {
  const i = hostport.lastIndexOf(':');
  if (i < 0) return undefined;
  let j = 0;
  let k = 0;
  let host: string;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== i) return undefined;
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return undefined;
  }
  if (hostport.slice(j).includes('[') || hostport.slice(k).includes(']')) return undefined;
  return { host, port: hostport.slice(i + 1) };
}

/** A peer URL that etcd refuses; the message is etcd's. */
export class PeerURLError extends Error {}

/**
 * etcd's types.NewURLs for one peer URL: trimmed of spaces, parsed as
 * url.Parse parses it, then http(s) with host:port and no path, or unix(s).
 */
export function parsePeerURL(raw: string): GoURL {
  const input = raw.trim();
  let url: GoURL;
  try {
    url = goParseURL(input);
  } catch (err) {
    throw new PeerURLError((err as Error).message);
  }
  if (url.scheme === 'http' || url.scheme === 'https') {
    if (!goSplitHostPort(url.host)) throw new PeerURLError(`URL address does not have the form "host:port": ${input}`);
    if (url.path !== '') throw new PeerURLError(`URL must not contain a path: ${input}`);
  } else if (url.scheme !== 'unix' && url.scheme !== 'unixs') {
    throw new PeerURLError(`URL scheme must be http, https, unix, or unixs: ${input}`);
  }
  return url;
}
