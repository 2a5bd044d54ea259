/**
 * The checks etcd's Go client makes of --cert/--key/--cacert before it dials,
 * with Go's messages: crypto/tls's X509KeyPair for the pair, and etcd's
 * NewCertPool (every PEM block of the CA file must be a certificate) for the
 * CA bundle. etcdctl refuses such files with exit 128 instead of failing to
 * connect; so do we.
 */
import type { KeyObject, X509Certificate } from 'node:crypto';
import { crypto } from '../builtins.js';

interface PemBlock {
  type: string;
  body: string;
}

/** The PEM blocks of a file, in order (encapsulation boundaries as Go's encoding/pem finds them). */
function pemBlocks(data: Buffer): PemBlock[] {
  const text = data.toString('latin1');
  const blocks: PemBlock[] = [];
  const re = /-----BEGIN ([^\r\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) blocks.push({ type: m[1], body: m[0] });
  return blocks;
}

/** Go's %v of a []string: [a b]. */
const goList = (l: string[]) => `[${l.join(' ')}]`;

/** The reason crypto/tls would refuse this certificate and key, or undefined when it takes them. */
export function keyPairProblem(certPem: Buffer, keyPem: Buffer): string | undefined {
  const certBlocks = pemBlocks(certPem);
  const certs = certBlocks.filter((b) => b.type === 'CERTIFICATE');
  if (certs.length === 0) {
    const skipped = certBlocks.map((b) => b.type);
    if (skipped.length === 0) return 'tls: failed to find any PEM data in certificate input';
    if (skipped.length === 1 && skipped[0].endsWith('PRIVATE KEY')) {
      return 'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched';
    }
    return `tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: ${goList(skipped)}`;
  }
  const keyBlocks = pemBlocks(keyPem);
  const keyAt = keyBlocks.findIndex((b) => b.type === 'PRIVATE KEY' || b.type.endsWith(' PRIVATE KEY'));
  if (keyAt < 0) {
    const skipped = keyBlocks.map((b) => b.type);
    if (skipped.length === 0) return 'tls: failed to find any PEM data in key input';
    if (skipped.length === 1 && skipped[0] === 'CERTIFICATE') return 'tls: found a certificate rather than a key in the PEM for the private key';
    return `tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: ${goList(skipped)}`;
  }
  let leaf: X509Certificate;
  try {
    leaf = new (crypto().X509Certificate)(certs[0].body);
  } catch {
    return 'x509: malformed certificate';
  }
  let key: KeyObject;
  try {
    key = crypto().createPrivateKey(keyBlocks[keyAt].body);
  } catch {
    return 'tls: failed to parse private key';
  }
  const pub = leaf.publicKey;
  if (pub.asymmetricKeyType !== key.asymmetricKeyType) return 'tls: private key type does not match public key type';
  const der = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  if (!der(pub).equals(der(crypto().createPublicKey(key)))) return 'tls: private key does not match public key';
  return undefined;
}

/** The reason etcd's client would refuse this CA bundle, or undefined (a file with no PEM block is taken, and trusts nothing). */
export function caBundleProblem(caPem: Buffer): string | undefined {
  for (const block of pemBlocks(caPem)) {
    try {
      new (crypto().X509Certificate)(block.body.replace(/-----(BEGIN|END) [^\r\n-]*-----/g, '-----$1 CERTIFICATE-----'));
    } catch {
      // Go parses every block as a certificate; a key's DER has no certificate body.
      return block.type.endsWith('PRIVATE KEY') ? 'x509: malformed tbs certificate' : 'x509: malformed certificate';
    }
  }
  return undefined;
}
