// Test PKI made with the openssl command-line tool.
//
// makeCerts(dir) writes, all as unencrypted PEM with EC P-256 keys:
//   ca.pem / ca-key.pem                    the test CA
//   server.pem / server-key.pem            signed by the CA; SAN IP:127.0.0.1, DNS:localhost;
//                                          extendedKeyUsage serverAuth+clientAuth (kubeadm style:
//                                          the server's own cert also works as a client cert)
//   client.pem / client-key.pem            signed by the CA; CN "client"; clientAuth only
//   other-ca.pem / other-ca-key.pem        a second, unrelated CA ("unknown CA" tests)
//   other-client.pem / other-client-key.pem  CN "client", clientAuth, signed by the OTHER CA
//                                          (a client cert the server must reject)

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface Certs {
  dir: string;
  /** CA certificate (trust anchor for both server and client certs). */
  ca: string;
  caKey: string;
  /** Server cert, SAN IP:127.0.0.1 + DNS:localhost, EKU serverAuth + clientAuth. */
  serverCert: string;
  serverKey: string;
  /** Client cert, CN "client", EKU clientAuth. */
  clientCert: string;
  clientKey: string;
  /** A second CA that signed nothing the server trusts. */
  otherCa: string;
  otherCaKey: string;
  /** Client cert (CN "client") signed by the other CA. */
  otherClientCert: string;
  otherClientKey: string;
}

const OPENSSL = process.env.OPENSSL_BIN || 'openssl';
const DAYS = '3650';

// A self-contained openssl config so the system openssl.cnf (and its default
// extensions) does not matter.
const CONFIG = `
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ client_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync(OPENSSL, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`openssl ${args.join(' ')} failed: ${e.stderr?.toString() || e.message}`);
  }
}

const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function serial(): string {
  // positive 64-bit serial
  const b = randomBytes(8);
  b[0] &= 0x7f;
  return '0x' + b.toString('hex');
}

function makeCa(dir: string, cnf: string, name: string, cn: string): void {
  openssl(
    ['req', '-x509', ...KEY_ARGS, '-keyout', `${name}-key.pem`, '-out', `${name}.pem`,
      '-days', DAYS, '-subj', `/CN=${cn}`, '-config', cnf, '-extensions', 'ca_ext',
      '-set_serial', serial()],
    dir,
  );
}

function makeLeaf(dir: string, cnf: string, name: string, cn: string, caName: string, ext: string): void {
  openssl(
    ['req', '-new', ...KEY_ARGS, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`,
      '-subj', `/CN=${cn}`, '-config', cnf],
    dir,
  );
  openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.pem`, '-CAkey', `${caName}-key.pem`,
      '-set_serial', serial(), '-days', DAYS, '-out', `${name}.pem`,
      '-extfile', cnf, '-extensions', ext],
    dir,
  );
  fs.rmSync(path.join(dir, `${name}.csr`), { force: true });
}

/** Creates the test PKI in `dir` (created if missing) and returns the file paths. */
export function makeCerts(dir: string): Certs {
  fs.mkdirSync(dir, { recursive: true });
  const cnf = path.join(dir, 'openssl.cnf');
  fs.writeFileSync(cnf, CONFIG);
  makeCa(dir, cnf, 'ca', 'etcd-test-ca');
  makeLeaf(dir, cnf, 'server', 'etcd-server', 'ca', 'server_ext');
  makeLeaf(dir, cnf, 'client', 'client', 'ca', 'client_ext');
  makeCa(dir, cnf, 'other-ca', 'other-test-ca');
  makeLeaf(dir, cnf, 'other-client', 'client', 'other-ca', 'client_ext');
  const p = (f: string) => path.join(dir, f);
  return {
    dir,
    ca: p('ca.pem'),
    caKey: p('ca-key.pem'),
    serverCert: p('server.pem'),
    serverKey: p('server-key.pem'),
    clientCert: p('client.pem'),
    clientKey: p('client-key.pem'),
    otherCa: p('other-ca.pem'),
    otherCaKey: p('other-ca-key.pem'),
    otherClientCert: p('other-client.pem'),
    otherClientKey: p('other-client-key.pem'),
  };
}
