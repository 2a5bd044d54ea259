/**
 * The etcd server binary: the `etcd` on the PATH, or Debian's etcd-server
 * package installed with apt-get when it is missing and we run as root.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { SandboxError } from './errors.js';

/** The first executable `name` on `PATH`, or undefined. */
export function which(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The etcd binary to run. When none is on the PATH: as root, Debian's
 * etcd-server package is installed (`log` tells what happens); otherwise the
 * error names the package.
 */
export function findEtcd(env: NodeJS.ProcessEnv, log: (line: string) => void): string {
  const found = env.ETCD_BIN || which('etcd', env);
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  const hasApt = which('apt-get', env) !== undefined;
  if (!isRoot || !hasApt) {
    throw new SandboxError('the etcd server is not installed (no etcd on the PATH)', [
      hasApt ? 'Install it with: sudo apt-get install etcd-server' : 'Install etcd (Debian and Ubuntu: apt-get install etcd-server), or set ETCD_BIN to an etcd binary.',
    ]);
  }
  log('etcd is not installed: installing Debian\'s etcd-server package (apt-get install etcd-server)...');
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'pipe'], env: aptEnv, encoding: 'utf8' });
  const install = update.status === 0
    ? spawnSync('apt-get', ['install', '-y', '-qq', 'etcd-server'], { stdio: ['ignore', 'ignore', 'pipe'], env: aptEnv, encoding: 'utf8' })
    : update;
  if (install.status !== 0) {
    const why = (install.stderr ?? '').trim().split('\n').slice(-3).join('\n');
    throw new SandboxError(`apt-get install etcd-server failed (exit ${install.status ?? install.signal})${why ? `:\n${why}` : ''}`);
  }
  const bin = which('etcd', env) ?? which('etcd', { PATH: `${env.PATH ?? ''}:/usr/bin:/usr/sbin` });
  if (!bin) throw new SandboxError('etcd-server was installed, but there is still no etcd on the PATH');
  return bin;
}
