/**
 * A client of the sandbox's members through the one client layer, set up as
 * a user's etcdctl would be from the sandbox's ETCDCTL_* settings: the
 * sandbox's health checks and the practice drills' set-ups and checks use it.
 */
import type { EtcdClient } from '../client/client.js';
import { sandboxEnv, type SandboxState } from './sandbox.js';

export interface SandboxClientOptions {
  /** Client URLs to use instead of all the members'. */
  endpoints?: string[];
  /** `name:password`, when auth is on. */
  user?: string;
  /** Dial and command timeout (default 5 s). */
  timeout?: string;
}

const silent = { write() {} };

/** A client of the sandbox `state` (close it when done). */
export async function sandboxClient(state: Pick<SandboxState, 'dir' | 'tls' | 'members'>, opts: SandboxClientOptions = {}): Promise<EtcdClient> {
  const { EtcdClient, resolveClientConfig } = await import('../client/client.js');
  const { resolveGlobals } = await import('../config/globals.js');
  const vars = new Map<string, string>(sandboxEnv(state).filter(([k]) => k !== 'ETCDCTL_API'));
  if (opts.endpoints) vars.set('ETCDCTL_ENDPOINTS', opts.endpoints.join(','));
  vars.set('ETCDCTL_DIAL_TIMEOUT', opts.timeout ?? '5s');
  vars.set('ETCDCTL_COMMAND_TIMEOUT', opts.timeout ?? '5s');
  if (opts.user) vars.set('ETCDCTL_USER', opts.user);
  const g = resolveGlobals(new Map(), Object.fromEntries(vars));
  return new EtcdClient(await resolveClientConfig(g, { stdout: silent, stderr: silent, stdin: process.stdin }));
}
