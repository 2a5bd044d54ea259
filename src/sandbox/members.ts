/**
 * The command line of an etcd member on loopback: the sandbox's members, the
 * practice drills' and the tests' servers are all started with these flags.
 */

export interface MemberSpec {
  name: string;
  dataDir: string;
  clientURL: string;
  peerURL: string;
}

export interface MemberTls {
  ca: string;
  cert: string;
  key: string;
  /** The peer listener's own certificate (kubeadm's peer.crt); plaintext peers when absent. */
  peerCert?: string;
  peerKey?: string;
}

export interface ClusterFlags {
  /** Every member of the cluster being formed (the --initial-cluster list). */
  members: MemberSpec[];
  token: string;
  /** 'existing' for a member added to a running cluster. */
  state?: 'new' | 'existing';
  tls?: MemberTls;
  heartbeatMs: number;
  electionMs: number;
  /** Appended last (--quota-backend-bytes, --bcrypt-cost, ...). */
  extraArgs?: string[];
}

/** The loopback URL of a port. */
export function loopbackURL(port: number, tls: boolean): string {
  return `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
}

/** etcd's arguments for member `m` of the cluster `c` (zap JSON logs on stderr). */
export function memberArgs(m: MemberSpec, c: ClusterFlags): string[] {
  const tls = c.tls;
  return [
    '--name', m.name,
    '--data-dir', m.dataDir,
    '--listen-client-urls', m.clientURL,
    '--advertise-client-urls', m.clientURL,
    '--listen-peer-urls', m.peerURL,
    '--initial-advertise-peer-urls', m.peerURL,
    '--initial-cluster', c.members.map((o) => `${o.name}=${o.peerURL}`).join(','),
    '--initial-cluster-token', c.token,
    '--initial-cluster-state', c.state ?? 'new',
    '--heartbeat-interval', String(c.heartbeatMs),
    '--election-timeout', String(c.electionMs),
    '--logger=zap',
    '--log-outputs=stderr',
    ...(tls ? ['--cert-file', tls.cert, '--key-file', tls.key, '--trusted-ca-file', tls.ca, '--client-cert-auth'] : []),
    ...(tls?.peerCert && tls.peerKey
      ? ['--peer-cert-file', tls.peerCert, '--peer-key-file', tls.peerKey, '--peer-trusted-ca-file', tls.ca, '--peer-client-cert-auth']
      : []),
    ...(c.extraArgs ?? []),
  ];
}
