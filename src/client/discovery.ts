/**
 * DNS SRV discovery (-d/--discovery-srv): the client URLs published under
 * _etcd-client-ssl._tcp.<domain> (https) and _etcd-client._tcp.<domain> (http).
 */
import { getServers, promises as dnsPromises } from 'node:dns';
import { EtcdctlError, ExitCode } from '../errors.js';
import type { IO } from '../io/types.js';

function serviceName(base: string, name: string, scheme: 'https' | 'http'): string {
  let service = scheme === 'https' ? `${base}-ssl` : base;
  if (name !== '') service += `-${name}`;
  return service;
}

/** Go's wording for a failed look-up: "lookup <name> on <resolver>: no such host". */
function lookupError(name: string, err: NodeJS.ErrnoException): string {
  const server = getServers()[0] ?? '127.0.0.1';
  const where = server.includes(':') && !server.startsWith('[') ? `[${server}]:53` : `${server}:53`;
  const reason = err.code === 'ENOTFOUND' || err.code === 'ENODATA' ? 'no such host' : err.code === 'ETIMEOUT' ? 'i/o timeout' : err.message;
  return `lookup ${name} on ${where}: ${reason}`;
}

export async function discoverEndpoints(domain: string, name: string, allowInsecure: boolean, io: IO): Promise<string[]> {
  const urls: string[] = [];
  const errors: string[] = [];
  for (const scheme of ['https', 'http'] as const) {
    const record = `_${serviceName('etcd-client', name, scheme)}._tcp.${domain}`;
    try {
      const srvs = await dnsPromises.resolveSrv(record);
      for (const s of srvs) urls.push(`${scheme}://${s.name}.:${s.port}`);
    } catch (err) {
      errors.push(lookupError(record, err as NodeJS.ErrnoException));
    }
  }
  if (errors.length === 2) throw new EtcdctlError(`dns lookup errors: ${errors[0]} and ${errors[1]}`, ExitCode.Error);
  if (allowInsecure) return urls;
  return urls.filter((u) => {
    if (!u.startsWith('http://')) return true;
    io.stderr.write(`ignoring discovered insecure endpoint ${JSON.stringify(u)}\n`);
    return false;
  });
}
