/** A member's Prometheus /metrics over HTTP(S): check datascale reads its memory use there. */
import type { RequestOptions } from 'node:https';
import { readFileSync } from 'node:fs';
import { http, https } from '../builtins.js';
import type { GlobalOptions } from '../config/globals.js';

/**
 * The text of `<endpoint>/metrics` (http:// unless the endpoint is https://),
 * with the TLS flags; the request fails after --command-timeout.
 */
export async function fetchMetrics(
  endpoint: string,
  g: Pick<GlobalOptions, 'insecureSkipTlsVerify' | 'cacert' | 'cert' | 'key' | 'commandTimeout'>,
): Promise<string> {
  let host = endpoint.trim();
  if (!host.startsWith('http://') && !host.startsWith('https://')) host = `http://${host}`;
  const url = `${host}/metrics`;
  return new Promise<string>((resolve, reject) => {
    const options: RequestOptions = {};
    if (url.startsWith('https://')) {
      options.rejectUnauthorized = !g.insecureSkipTlsVerify;
      if (g.cacert) options.ca = readFileSync(g.cacert);
      if (g.cert) options.cert = readFileSync(g.cert);
      if (g.key) options.key = readFileSync(g.key);
    }
    const req = (url.startsWith('https://') ? https().get : http().get)(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(g.commandTimeout / 1e6, () => req.destroy(new Error('timeout')));
  });
}
