/**
 * Endpoints as etcdctl accepts them: `host:port`, `http://host:port`,
 * `https://host:port`, `unix:path`, `unix://path` and `unixs://path`.
 */
import { isIP } from './ip.js';
export interface Endpoint {
  /** Exactly as the user wrote it; printed back by endpoint commands. */
  raw: string;
  /** Whether the scheme itself asks for TLS (https://, unixs://). */
  secureScheme: boolean;
  /** Whether the scheme explicitly says plaintext (http://, unix://). */
  plainScheme: boolean;
  host: string;
  port: number;
  /** Set for unix sockets. */
  socketPath?: string;
  /**
   * Why nothing can be dialled at this endpoint. etcd's client takes any text
   * and fails to connect to it (`context deadline exceeded`); so do we, at
   * once, and the reason goes on the line after.
   */
  unusable?: string;
}

export function parseEndpoint(raw: string): Endpoint {
  const text = raw.trim();
  const unusable = (why: string): Endpoint => ({ raw, secureScheme: false, plainScheme: false, host: text, port: 0, unusable: why });
  // unix:path is a path in the current directory; unix://path too, unix:///path an absolute one.
  const unix = /^(unixs?):(?:\/\/)?/.exec(text);
  if (unix) {
    const socketPath = text.slice(unix[0].length);
    return { raw, secureScheme: unix[1] === 'unixs', plainScheme: unix[1] === 'unix', host: 'localhost', port: 0, socketPath };
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
  const rest = scheme ? text.slice(scheme.length + 3) : text;
  if (text === '') return unusable('an endpoint is empty');
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    return unusable(`the endpoint ${JSON.stringify(raw)} has the scheme "${scheme}"`);
  }
  const hostPort = rest.replace(/\/.*$/, '');
  let host: string;
  let portText: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d*))?$/.exec(hostPort);
  if (v6) {
    host = v6[1];
    portText = v6[2];
  } else {
    const idx = hostPort.lastIndexOf(':');
    host = idx >= 0 ? hostPort.slice(0, idx) : hostPort;
    portText = idx >= 0 ? hostPort.slice(idx + 1) : undefined;
  }
  if (host === '') return unusable(`the endpoint ${JSON.stringify(raw)} has no host`);
  let port: number;
  if (portText === undefined || portText === '') {
    port = scheme === 'https' ? 443 : scheme === 'http' ? 80 : 2379;
  } else {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) return unusable(`the endpoint ${JSON.stringify(raw)} has an invalid port`);
  }
  return { raw, secureScheme: scheme === 'https', plainScheme: scheme === 'http', host, port };
}

/**
 * The name TLS sends (SNI) and checks the server's certificate against: the
 * configured server name, else the endpoint's host; none for an IP address
 * (the certificate is then checked for that IP) or a unix socket.
 */
export function tlsServerName(ep: Endpoint, serverName: string | undefined): string | undefined {
  const name = serverName ?? (ep.socketPath === undefined ? ep.host : undefined);
  return name && isIP(name) === 0 ? name : undefined;
}

/** host:port as used in the :authority header and in messages. */
export function authority(ep: Endpoint): string {
  if (ep.socketPath !== undefined) return 'localhost';
  return ep.host.includes(':') ? `[${ep.host}]:${ep.port}` : `${ep.host}:${ep.port}`;
}
