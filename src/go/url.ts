/**
 * Go's net/url.Parse and net.SplitHostPort, as far as etcd's client uses them
 * to check member peer URLs before sending them (a URL the server cannot
 * parse back makes its members panic). Errors carry Go's words.
 */
import { goQuote } from './quote.js';

export interface GoURL {
  scheme: string;
  opaque: string;
  host: string;
  path: string;
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
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) rest = rest.slice(0, -1);
  else if (rest.includes('?')) rest = rest.slice(0, rest.indexOf('?'));
  const url: GoURL = { scheme, opaque: '', host: '', path: '' };
  if (!rest.startsWith('/')) {
    if (scheme !== '') {
      url.opaque = rest;
      return url;
    }
    if (rest.split('/')[0].includes(':')) throw fail('first path segment in URL cannot contain colon');
  }
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
  }
  const pathProblem = unescapeProblem(rest, false);
  if (pathProblem) throw fail(pathProblem);
  url.path = decodeURIComponentLoose(rest);
  if (hash >= 0) {
    const fragProblem = unescapeProblem(raw.slice(hash + 1), false);
    if (fragProblem) throw fail(fragProblem, raw);
  }
  return url;
}

/** %XX decoded (the escapes are known to be well formed here). */
function decodeURIComponentLoose(s: string): string {
  return s.includes('%') ? Buffer.from(s.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8') : s;
}

/** Whether net.SplitHostPort takes it: host:port, [v6]:port, one colon outside brackets. */
export function goSplitsHostPort(hostport: string): boolean {
  const i = hostport.lastIndexOf(':');
  if (i < 0) return false;
  let j = 0;
  let k = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== i) return false;
    j = 1;
    k = end + 1;
  } else if (hostport.slice(0, i).includes(':')) {
    return false;
  }
  return !hostport.slice(j).includes('[') && !hostport.slice(k).includes(']');
}
