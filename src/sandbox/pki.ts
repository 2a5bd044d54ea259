/**
 * The sandbox's certificates, laid out as kubeadm lays out a control plane's
 * etcd PKI, so that the commands people type on an exam node work here with
 * only the folder changed:
 *
 *   DIR/pki/etcd/ca.crt, ca.key                      the etcd CA
 *   DIR/pki/etcd/server.crt, server.key              serving cert (SAN localhost, 127.0.0.1; server and client auth)
 *   DIR/pki/etcd/peer.crt, peer.key                  peer cert (the same SANs; server and client auth)
 *   DIR/pki/etcd/healthcheck-client.crt, .key        client cert (CN kube-etcd-healthcheck-client)
 *
 * Made with the openssl command (EC P-256 keys, unencrypted PEM, valid ten years).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SandboxError } from './errors.js';

export interface PkiPaths {
  dir: string;
  ca: string;
  caKey: string;
  server: string;
  serverKey: string;
  peer: string;
  peerKey: string;
  client: string;
  clientKey: string;
}

/** Where the certificates of the sandbox in `dir` are (whether or not they exist). */
export function pkiPaths(dir: string): PkiPaths {
  const etcd = path.join(dir, 'pki', 'etcd');
  const p = (f: string) => path.join(etcd, f);
  return {
    dir: etcd,
    ca: p('ca.crt'),
    caKey: p('ca.key'),
    server: p('server.crt'),
    serverKey: p('server.key'),
    peer: p('peer.crt'),
    peerKey: p('peer.key'),
    client: p('healthcheck-client.crt'),
    clientKey: p('healthcheck-client.key'),
  };
}

const CONFIG = `
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature, keyEncipherment
subjectKeyIdentifier = hash
[ serving_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:0:0:0:0:0:0:0:1
authorityKeyIdentifier = keyid
[ client_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`;

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const DAYS = '3650';

function serial(): string {
  const b = randomBytes(8);
  b[0] &= 0x7f;
  return '0x' + b.toString('hex');
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') {
      throw new SandboxError('--tls needs the openssl command to make the certificates, and it is not on the PATH', ['Install it (Debian: apt-get install openssl) or leave out --tls.']);
    }
    throw new SandboxError(`openssl ${args[0]} failed: ${(e.stderr?.toString() || e.message).trim()}`);
  }
}

function leaf(dir: string, cnf: string, name: string, cn: string, ext: string): void {
  openssl(['req', '-new', ...KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`, '-config', cnf], dir);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', serial(), '-days', DAYS,
    '-out', `${name}.crt`, '-extfile', cnf, '-extensions', ext], dir);
  rmSync(path.join(dir, `${name}.csr`), { force: true });
}

/** Makes the CA and the three certificates of the sandbox in `dir`. */
export function makePki(dir: string): PkiPaths {
  const paths = pkiPaths(dir);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const cnf = path.join(paths.dir, 'openssl.cnf');
  writeFileSync(cnf, CONFIG);
  try {
    openssl(['req', '-x509', ...KEY, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', DAYS, '-subj', '/CN=etcd-ca',
      '-config', cnf, '-extensions', 'ca_ext', '-set_serial', serial()], paths.dir);
    leaf(paths.dir, cnf, 'server', 'localhost', 'serving_ext');
    leaf(paths.dir, cnf, 'peer', 'localhost', 'serving_ext');
    leaf(paths.dir, cnf, 'healthcheck-client', 'kube-etcd-healthcheck-client', 'client_ext');
  } finally {
    rmSync(cnf, { force: true });
  }
  for (const key of [paths.caKey, paths.serverKey, paths.peerKey, paths.clientKey]) chmodSync(key, 0o600);
  return paths;
}
