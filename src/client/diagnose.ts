/**
 * Turns a failed connection into one line that names the problem and the flag
 * that fixes it. etcdctl reports all of these as `context deadline exceeded`;
 * that line is kept for scripts and this one is printed after it.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { authority, tlsServerName, type Endpoint } from './endpoints.js';
import type { ConnectError, ConnectOptions, TlsSettings } from './grpc.js';
import { formatDuration } from '../go/duration.js';

const UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);

type Cause = Error & { code?: string };

const cause = (message: string, code: string): Cause => Object.assign(new Error(message), { code });

/** The client's HTTP/2 connection preface and an empty SETTINGS frame. */
const H2_PREFACE = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]);

/**
 * Why a connection to `ep` fails, found with Node's own sockets after the
 * gRPC channel failed to connect: the socket or TLS error (its code and
 * message, which diagnose() reads), or, when the handshake works, what the
 * server did with an HTTP/2 preface. Only ever run on the failure path.
 */
export function probeCause(ep: Endpoint, opts: ConnectOptions, timeoutMs = 1000): Promise<Cause> {
  return new Promise((resolve) => {
    const t = opts.tls;
    const sock = dialRaw(ep, t, 'h2');
    let settled = false;
    const done = (c: Cause) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(c);
    };
    const timer = setTimeout(() => done(cause('no HTTP/2 settings received in time', 'ERR_NO_HTTP2')), timeoutMs);
    sock.once(t ? 'secureConnect' : 'connect', () => sock.write(H2_PREFACE));
    // A TLS 1.3 server refuses a client certificate after the client thinks the handshake is over: it shows here.
    sock.once('error', (err: Cause) => done(err));
    sock.once('close', () => done(cause('connection closed before HTTP/2 settings were received', 'ERR_NO_HTTP2')));
    sock.on('data', (d: Buffer) => {
      // A SETTINGS frame (type 4) first is HTTP/2; anything else (HTTP/1.1) is not.
      if (d.length >= 4 && d[3] === 4) done(cause('the server speaks HTTP/2 but did not take the gRPC connection', 'ERR_GRPC_CONNECT'));
      else done(cause('connection closed before HTTP/2 settings were received', 'ERR_NO_HTTP2'));
    });
  });
}

/** A socket to `ep`: TLS with the client's own settings (offering `alpn`), or plain TCP / a unix socket. */
function dialRaw(ep: Endpoint, t: TlsSettings | null, alpn: string): Socket {
  if (!t) return ep.socketPath !== undefined ? netConnect(ep.socketPath) : netConnect(ep.port, ep.host);
  const o: ConnectionOptions = {
    host: ep.host, port: ep.port, path: ep.socketPath, ALPNProtocols: [alpn],
    rejectUnauthorized: !t.insecureSkipVerify, ca: t.ca, cert: t.cert, key: t.key,
  } as ConnectionOptions;
  const name = tlsServerName(ep, t.serverName);
  if (name) o.servername = name;
  if (t.insecureSkipVerify) o.checkServerIdentity = () => undefined;
  return tlsConnect(o);
}

/**
 * Sends GET `path` over HTTP/1.1 on a socket of its own (TLS with the client's
 * settings, or plaintext) and resolves with the answer as far as it came:
 * until `enough` says so, the server closes, or `timeoutMs` runs out. Never rejects.
 */
function httpGet(ep: Endpoint, t: TlsSettings | null, path: string, timeoutMs: number, enough: (answer: Buffer) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const sock = dialRaw(ep, t, 'http/1.1');
    const chunks: Buffer[] = [];
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(done, timeoutMs);
    sock.once(t ? 'secureConnect' : 'connect', () => sock.write(`GET ${path} HTTP/1.1\r\nHost: ${authority(ep)}\r\nConnection: close\r\n\r\n`));
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      if (enough(Buffer.concat(chunks))) done();
    });
    sock.once('error', done);
    sock.once('close', done);
  });
}

/** Whether `answer` holds its headers and the whole body they announce (or more than 64 KiB). */
function complete(answer: Buffer): boolean {
  const end = answer.indexOf('\r\n\r\n');
  if (answer.length > 1 << 16) return true;
  if (end < 0) return false;
  const length = /\r\nContent-Length: *(\d+)/i.exec(answer.subarray(0, end).toString('latin1'))?.[1];
  return length === undefined || answer.length - (end + 4) >= Number(length);
}

/**
 * Asks `ep` for GET /members. etcd's peer listener answers it (200, an
 * X-Etcd-Cluster-Id header, the members as JSON); a client port answers 404.
 * Resolves with the client URLs to suggest, or undefined when this is no peer port.
 */
async function probePeerMembers(ep: Endpoint, t: TlsSettings | null, timeoutMs: number): Promise<PeerClientURLs | undefined> {
  return peerClientURLs(await httpGet(ep, t, '/members', timeoutMs, complete), ep);
}

/** Client URLs to suggest; `own` says they are the answering member's rather than the whole cluster's. */
export interface PeerClientURLs {
  urls: string[];
  own: boolean;
}

/** From a raw HTTP answer to GET /members: the client URLs to suggest, or undefined when it is not a peer port's answer. */
export function peerClientURLs(answer: string, ep: Pick<Endpoint, 'port'>): PeerClientURLs | undefined {
  const end = answer.indexOf('\r\n\r\n');
  if (end < 0 || !/^HTTP\/1\.\d 200/.test(answer) || !/\r\nX-Etcd-Cluster-Id:/i.test(answer.slice(0, end))) return undefined;
  let members: { peerURLs?: string[]; clientURLs?: string[] }[];
  try {
    members = JSON.parse(answer.slice(end + 4).trim());
  } catch {
    return { urls: [], own: false };
  }
  if (!Array.isArray(members)) return { urls: [], own: false };
  const port = (u: string) => /:(\d+)\/?$/.exec(u)?.[1];
  const own = members.find((m) => (m.peerURLs ?? []).some((u) => port(u) === String(ep.port)));
  const urls = (own ? own.clientURLs ?? [] : members.flatMap((m) => m.clientURLs ?? [])).filter((u) => typeof u === 'string');
  return { urls, own: own !== undefined };
}

/** Opens a TLS handshake (no verification) to see whether the server speaks TLS at all. */
function probeTls(ep: Endpoint, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = tlsConnect({
      host: ep.host,
      port: ep.port,
      path: ep.socketPath,
      rejectUnauthorized: false,
      ALPNProtocols: ['h2'],
    } as ConnectionOptions);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.once('secureConnect', () => done(true));
    sock.once('error', (err: Error & { code?: string }) => {
      // A server that wants a client certificate still speaks TLS.
      done(/certificate|handshake failure|alert/i.test(err.message) && !/wrong version number/i.test(err.message));
    });
  });
}

/**
 * Sends a plain HTTP/1.1 GET /health. etcd's client port answers 200 (it serves
 * HTTP/1 beside gRPC); its peer port answers too, but not 200 (it has no /health).
 */
async function probeHttp1(ep: Endpoint, timeoutMs: number): Promise<'client' | 'peer' | 'none'> {
  const got = await httpGet(ep, null, '/health', timeoutMs, (answer) => answer.includes('\r\n'));
  if (!got.startsWith('HTTP/1.')) return 'none';
  return /^HTTP\/1\.\d 200/.test(got) ? 'client' : 'peer';
}

const peerPort = (where: string) =>
  `${where} answers plain HTTP/1.1 only: it looks like etcd's peer port (usually 2380); use the client port (usually 2379) in --endpoints.`;

const knownPeerPort = (where: string, { urls, own }: PeerClientURLs) =>
  `${where} is etcd's peer port (it answers the members' HTTP paths, not gRPC): use a client URL in --endpoints${
    urls.length === 0 ? ' (usually port 2379)' : `; ${own ? "this member's" : "the cluster's"}: ${urls.join(',')}`}.`;

/** One line describing why `err` happened, with the flag that fixes it. */
export async function diagnose(err: ConnectError, opts: ConnectOptions): Promise<string> {
  const ep = err.endpoint;
  const where = ep.socketPath ?? authority(ep);
  const code = err.cause?.code ?? '';
  const message = err.cause?.message ?? '';
  if (code === 'EDIAL') return `${message}.`;
  if (code === 'EUNUSABLE') {
    return `${message}: --endpoints takes host:port, http://host:port, https://host:port or unix://path, separated by commas.`;
  }
  if (err.kind === 'timeout') {
    return `${where} did not answer within --dial-timeout=${formatDuration(opts.dialTimeoutMs * 1e6)}: check the address and any firewall, or raise --dial-timeout.`;
  }
  if (code === 'ECONNREFUSED' || code === 'ENOENT') {
    return `${where} refused the connection: is etcd running there? Point --endpoints at a member's client URL (usually port 2379).`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return `the host name "${ep.host}" could not be resolved: check the host in --endpoints.`;
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return `${where} is unreachable from this machine (${code}): check the address in --endpoints.`;
  }
  if (opts.tls) {
    if (UNKNOWN_CA.has(code)) {
      return `the certificate of ${where} is not signed by a CA we trust: pass the cluster's CA with --cacert (or --insecure-skip-tls-verify, for testing only).`;
    }
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      return `the certificate of ${where} is not valid for the name "${ep.host}": use a host name or IP address the certificate lists in --endpoints.`;
    }
    if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
      return `the certificate of ${where} is outside its validity period (${code}): renew it, or check this machine's clock.`;
    }
    if (/certificate required|alert bad certificate|handshake failure/i.test(message)) {
      if (!opts.tls.cert) return `${where} requires a client certificate: pass --cert and --key.`;
      return `${where} rejected our client certificate: pass a --cert/--key pair signed by the CA the server trusts.`;
    }
    if (/wrong version number|packet length too long|unknown protocol|ECONNRESET|socket hang up|disconnected|closed/i.test(`${code} ${message}`)) {
      // The TLS handshake worked but no gRPC came: etcd's TLS peer listener (kubeadm's :2380) does that.
      const peer = await probePeerMembers(ep, opts.tls, 1000);
      if (peer) return knownPeerPort(where, peer);
      const kind = await probeHttp1(ep, 1000);
      if (kind === 'peer') return peerPort(where);
      if (kind === 'client') return `${where} does not speak TLS: use http:// in --endpoints and drop --cacert/--cert/--key.`;
      return `${where} closed the TLS connection: if it requires a client certificate pass --cert and --key; check --cacert.`;
    }
  } else {
    if (await probeTls(ep, 1000)) {
      return `${where} speaks TLS: use https:// in --endpoints with --cacert (and --cert/--key if it asks for a client certificate).`;
    }
    if ((await probeHttp1(ep, 1000)) !== 'none') return peerPort(where);
  }
  return `could not connect to ${where}: ${message || code || 'unknown error'}.`;
}
