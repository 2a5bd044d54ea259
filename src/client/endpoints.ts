/**
 * Endpoints as etcdctl accepts them: `host:port`, `http://host:port`,
 * `https://host:port`, `unix://path` and `unixs://path`.
 */
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
}

export class EndpointError extends Error {}

export function parseEndpoint(raw: string): Endpoint {
  const text = raw.trim();
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
  const rest = scheme ? text.slice(scheme.length + 3) : text;
  if (scheme === 'unix' || scheme === 'unixs') {
    return { raw, secureScheme: scheme === 'unixs', plainScheme: scheme === 'unix', host: 'localhost', port: 0, socketPath: rest };
  }
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    throw new EndpointError(`unsupported endpoint scheme "${scheme}" in ${JSON.stringify(raw)}`);
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
  if (host === '') throw new EndpointError(`missing host in endpoint ${JSON.stringify(raw)}`);
  let port: number;
  if (portText === undefined || portText === '') {
    port = scheme === 'https' ? 443 : scheme === 'http' ? 80 : 2379;
  } else {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) throw new EndpointError(`invalid port in endpoint ${JSON.stringify(raw)}`);
  }
  return { raw, secureScheme: scheme === 'https', plainScheme: scheme === 'http', host, port };
}

/** host:port as used in the :authority header and in messages. */
export function authority(ep: Endpoint): string {
  if (ep.socketPath !== undefined) return 'localhost';
  return ep.host.includes(':') ? `[${ep.host}]:${ep.port}` : `${ep.host}:${ep.port}`;
}
