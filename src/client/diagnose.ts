/**
 * Turns a failed connection into one line that names the problem and the flag
 * that fixes it. etcdctl reports all of these as `context deadline exceeded`;
 * that line is kept for scripts and this one is printed after it.
 */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { authority, type Endpoint } from './endpoints.js';
import type { ConnectError, ConnectOptions } from './grpc.js';
import { formatDuration } from '../config/duration.js';

const UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);

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
function probeHttp1(ep: Endpoint, timeoutMs: number): Promise<'client' | 'peer' | 'none'> {
  return new Promise((resolve) => {
    const sock = ep.socketPath !== undefined ? netConnect(ep.socketPath) : netConnect(ep.port, ep.host);
    let got = '';
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.destroy();
      if (!got.startsWith('HTTP/1.')) resolve('none');
      else resolve(/^HTTP\/1\.\d 200/.test(got) ? 'client' : 'peer');
    };
    const timer = setTimeout(done, timeoutMs);
    sock.once('connect', () => sock.write(`GET /health HTTP/1.1\r\nHost: ${authority(ep)}\r\nConnection: close\r\n\r\n`));
    sock.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) done();
    });
    sock.once('error', done);
    sock.once('close', done);
  });
}

const peerPort = (where: string) =>
  `${where} answers plain HTTP/1.1 only: it looks like etcd's peer port (usually 2380); use the client port (usually 2379) in --endpoints.`;

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
