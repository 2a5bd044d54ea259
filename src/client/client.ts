/**
 * The one client every command uses: endpoint selection with failover, TLS,
 * authentication, deadlines, and translation of failures into etcdctl's
 * `Error: ...` lines and exit codes. Requests and replies are plain objects
 * (shapes in src/proto/types.gen.ts); every reply also keeps the raw bytes
 * the server sent, which `-w protobuf` prints.
 */
import { readFileSync } from 'node:fs';
import { method as methodDefinition, type ServiceName } from '../proto/registry.js';
import { REQUEST_TYPES, RESPONSE_TYPES } from '../proto/descriptors.gen.js';
import { EtcdctlError, ExitCode } from '../errors.js';
import { GLOBAL_FLAGS, camel, envName, type GlobalOptions } from '../config/globals.js';
import type { FlagValue } from '../config/flags.js';
import { formatDuration } from '../go/duration.js';
import { parseEndpoint, type Endpoint } from './endpoints.js';
import { caBundleProblem, keyPairProblem } from './tlsfiles.js';
import { Connection, ConnectError, GrpcError, GrpcStream, Status, methodFrom, type ConnectOptions, type Method, type Reply, type TlsSettings } from './grpc.js';
import { diagnose } from './diagnose.js';
import { serviceClient, type ServiceClient } from './services.js';
import { askPassword } from '../io/prompt.js';
import type { IO } from '../io/types.js';

export type { Reply } from './grpc.js';
/** A stream of decoded messages. Events: 'message' (Reply), 'end' (GrpcError | undefined). */
export type EtcdStream = GrpcStream;

export interface CallOptions {
  /** Override the command timeout (ns); 0 means none. */
  timeoutNs?: number;
}

/** Everything the client needs, resolved from the global options. */
export interface ClientConfig {
  endpoints: Endpoint[];
  connect: ConnectOptions;
  commandTimeoutNs: number;
  user?: { name: string; password: string };
  /** --insecure-skip-tls-verify, also for https:// endpoints given without other TLS flags. */
  insecureSkipVerify: boolean;
  /** With --debug: one line per connection event, on stderr. */
  log?: (line: string) => void;
}

function readFileOrFail(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Go's os.ReadFile opens a directory and fails reading it.
    if (e.code === 'EISDIR') throw new EtcdctlError(`read ${path}: is a directory`, ExitCode.BadArgs);
    const reason = e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new EtcdctlError(`open ${path}: ${reason}`, ExitCode.BadArgs);
  }
}

/** Builds the client configuration, with etcdctl's validation messages; asks for the password when --user has none. */
export async function resolveClientConfig(g: GlobalOptions, io: IO, passwordPrompt = 'Password: '): Promise<ClientConfig> {
  for (const name of ['cert', 'key', 'cacert'] as const) {
    if (g.given.has(name) && g[name] === '') {
      throw new EtcdctlError(`empty string is passed to --${name} option`, ExitCode.BadArgs);
    }
  }
  if (g.debug && g.debugExtra) printDebugFlags(g, g.debugExtra, io);
  let endpointList = g.endpoints.map((e) => e.trim());
  let serverName: string | undefined;
  if (g.discoverySrv !== '') {
    const { discoverEndpoints } = await import('./discovery.js');
    const found = await discoverEndpoints(g.discoverySrv, g.discoverySrvName, g.insecureDiscovery, io);
    if (found.length > 0) endpointList = found;
    // As etcdctl does: with --insecure-discovery=false the domain is the TLS server name.
    if (!g.insecureDiscovery) serverName = g.discoverySrv;
  }
  // Empty items of a list that has others are dropped; a list of only empty
  // items is dialled, and fails, as etcd's client does.
  const named = endpointList.filter((e) => e !== '');
  const endpoints = (named.length > 0 ? named : endpointList).map(parseEndpoint);
  if (endpoints.length === 0) throw new EtcdctlError('etcdclient: no available endpoints', ExitCode.BadConnection, ['--endpoints is empty: give the client URL of at least one member (e.g. --endpoints=127.0.0.1:2379).']);
  if ((g.cert === '') !== (g.key === '')) {
    throw new EtcdctlError(`KeyFile and CertFile must both be present[key: ${g.key}, cert: ${g.cert}]`, ExitCode.BadArgs);
  }
  // As in etcd's client: TLS settings exist when any TLS flag is given (or
  // --insecure-transport=false); http:// endpoints still go plaintext and
  // https:// ones use TLS even without flags (see endpointTls).
  const configured = g.cacert !== '' || g.cert !== '' || g.key !== '' || serverName !== undefined || !g.insecureTransport;
  let tls: TlsSettings | null = null;
  if (configured) {
    tls = { insecureSkipVerify: g.insecureSkipTlsVerify, serverName };
    // In the Go client's order: the certificate and key, then the CA bundle.
    if (g.cert) tls.cert = readFileOrFail(g.cert);
    if (g.key) tls.key = readFileOrFail(g.key);
    const pairProblem = tls.cert && tls.key ? keyPairProblem(tls.cert, tls.key) : undefined;
    if (pairProblem) throw new EtcdctlError(pairProblem, ExitCode.BadArgs);
    if (g.cacert) tls.ca = readFileOrFail(g.cacert);
    const caProblem = tls.ca ? caBundleProblem(tls.ca) : undefined;
    if (caProblem) throw new EtcdctlError(caProblem, ExitCode.BadArgs);
  }
  let user: ClientConfig['user'];
  if (g.user !== '') {
    if (g.password !== '') user = { name: g.user, password: g.password };
    else {
      const idx = g.user.indexOf(':');
      user = idx < 0 ? { name: g.user, password: await askPassword(passwordPrompt, io) } : { name: g.user.slice(0, idx), password: g.user.slice(idx + 1) };
    }
    // As etcd's Go client: no name or no password means no authentication at all
    // (the server then answers as to anyone without a token).
    if (user.name === '' || user.password === '') user = undefined;
  }
  return {
    endpoints,
    connect: {
      tls,
      // A --dial-timeout of 0 or less means none (Go's); the command's timeout still bounds the wait.
      dialTimeoutMs: (g.dialTimeout > 0 ? g.dialTimeout : Math.max(g.commandTimeout, 0)) / 1e6,
      keepaliveTimeMs: g.keepaliveTime / 1e6,
      keepaliveTimeoutMs: g.keepaliveTimeout / 1e6,
    },
    commandTimeoutNs: g.commandTimeout,
    user,
    insecureSkipVerify: g.insecureSkipTlsVerify,
    log: g.debug ? (line) => io.stderr.write(`[etcdctl-ts] ${line}\n`) : undefined,
  };
}

/** One endpoint given as text (an --endpoints item or a member's client URL). */
export function parseEndpointArg(text: string): Endpoint {
  return parseEndpoint(text.trim());
}

/**
 * The TLS settings for one endpoint: none for http:// and unix://, the
 * configured ones (or defaults: system CAs) for https:// and unixs://, and the
 * configured ones, if any, for a bare host:port.
 */
export function endpointTls(ep: Endpoint, configured: TlsSettings | null, skipVerify: boolean): TlsSettings | null {
  if (ep.plainScheme) return null;
  if (ep.secureScheme) return configured ?? { insecureSkipVerify: skipVerify };
  return configured;
}

/** --debug: every global flag as ETCDCTL_<NAME>=<value>, sorted by name, as etcdctl prints them. */
function printDebugFlags(g: GlobalOptions, extra: string[], io: IO): void {
  const lines = GLOBAL_FLAGS.filter((spec) => !spec.ours).map((spec) => {
    const v = (g as unknown as Record<string, FlagValue>)[camel(spec.name)];
    let text: string;
    if (spec.type === 'duration') text = formatDuration(v as number);
    else if (spec.type === 'stringSlice') text = `[${(v as string[]).join(',')}]`;
    else text = String(v);
    // Unlike etcdctl, never show a password: --password, or the part of --user after the colon.
    if (spec.name === 'password' && text !== '') text = '***';
    if (spec.name === 'user' && text.includes(':')) text = `${text.slice(0, text.indexOf(':'))}:***`;
    return `${envName(spec.name)}=${text}`;
  }).concat(extra).sort();
  io.stderr.write(lines.join('\n') + '\n');
}

const methodCache = new Map<string, Method>();

/** 'KV.Range' → the method's definition. */
function lookupMethod(name: string): Method {
  let m = methodCache.get(name);
  if (!m) {
    const [service, rpc] = name.split('.');
    m = methodFrom(methodDefinition(service as ServiceName, rpc), REQUEST_TYPES[name], RESPONSE_TYPES[name]);
    methodCache.set(name, m);
  }
  return m;
}

/** Calls that only read, so they may be repeated on another member after a failure. */
const SAFE_TO_RETRY = new Set([
  'KV.Range', 'Cluster.MemberList', 'Maintenance.Status', 'Maintenance.Alarm', 'Maintenance.HashKV', 'Maintenance.Hash',
  'Lease.LeaseTimeToLive', 'Lease.LeaseLeases', 'Auth.AuthStatus', 'Auth.UserGet', 'Auth.UserList', 'Auth.RoleGet', 'Auth.RoleList',
]);

export class EtcdClient {
  private conn: Connection | undefined;
  private connecting: Promise<Connection> | undefined;
  private token: string | undefined;
  /** Index of the endpoint to try first on the next connect. */
  private next = 0;
  /** Whether a connection was ever made: etcd's Go client logs in while it is created. */
  private connected = false;

  constructor(readonly config: ClientConfig) {}

  /** etcd's services, one method per RPC (see services.ts). */
  readonly kv: ServiceClient<'KV'> = serviceClient(this, 'KV');
  readonly watch: ServiceClient<'Watch'> = serviceClient(this, 'Watch');
  readonly lease: ServiceClient<'Lease'> = serviceClient(this, 'Lease');
  readonly cluster: ServiceClient<'Cluster'> = serviceClient(this, 'Cluster');
  readonly maintenance: ServiceClient<'Maintenance'> = serviceClient(this, 'Maintenance');
  readonly auth: ServiceClient<'Auth'> = serviceClient(this, 'Auth');

  /** The endpoint of the current connection, once connected. */
  get endpoint(): Endpoint | undefined {
    return this.conn?.endpoint;
  }

  private metadata(): Record<string, string> | undefined {
    return this.token ? { token: this.token } : undefined;
  }

  /** Connects to the first endpoint that answers, trying each in turn. */
  private async connect(): Promise<Connection> {
    if (this.conn && !this.conn.isClosed) return this.conn;
    if (!this.connecting) {
      this.connecting = this.dial().finally(() => {
        this.connecting = undefined;
      });
    }
    return this.connecting;
  }

  private async dial(): Promise<Connection> {
    const eps = this.config.endpoints;
    const failures: ConnectError[] = [];
    for (let i = 0; i < eps.length; i++) {
      const idx = (this.next + i) % eps.length;
      const tls = endpointTls(eps[idx], this.config.connect.tls, this.config.insecureSkipVerify);
      this.config.log?.(`connecting to ${eps[idx].raw} (${tls ? 'TLS' : 'plaintext'})`);
      try {
        const conn = await Connection.open(eps[idx], { ...this.config.connect, tls });
        this.config.log?.(`connected to ${eps[idx].raw}`);
        this.next = idx;
        this.conn = conn;
        this.connected = true;
        conn.onClose(() => {
          // Start with the following endpoint next time: this one just failed.
          if (this.conn === conn) this.next = (idx + 1) % eps.length;
        });
        if (this.config.user) await this.authenticate(conn);
        return conn;
      } catch (err) {
        if (!(err instanceof ConnectError)) throw err;
        this.config.log?.(`${eps[idx].raw}: ${err.kind === 'timeout' ? 'no answer within the dial timeout' : err.message}`);
        failures.push(err);
      }
    }
    const hint = await diagnose(failures[0], { ...this.config.connect, tls: endpointTls(failures[0].endpoint, this.config.connect.tls, this.config.insecureSkipVerify) });
    const prefix = failures.length > 1 ? `none of the ${failures.length} endpoints answered; ` : '';
    // With a user, etcdctl cannot even create its client (it logs in first): exit 2.
    const code = this.config.user && !this.connected ? ExitCode.BadConnection : ExitCode.Error;
    throw new EtcdctlError('context deadline exceeded', code, [`${prefix}${hint}`]);
  }

  private async authenticate(conn: Connection): Promise<void> {
    const user = this.config.user!;
    try {
      const reply = await conn.unary(lookupMethod('Auth.Authenticate'), { name: user.name, password: user.password }, { timeoutMs: this.config.commandTimeoutNs / 1e6 });
      this.token = reply.msg.token;
    } catch (err) {
      if (err instanceof GrpcError && err.details === 'etcdserver: authentication is not enabled') {
        this.token = undefined;
        return;
      }
      // etcdctl fails while creating its client here, with exit code 2.
      throw err instanceof GrpcError ? new EtcdctlError(err.message, ExitCode.BadConnection) : err;
    }
  }

  /**
   * Logs in now when there is a user, as etcd's Go client does while it is
   * created (before any call); throws as the login fails. Without a user it
   * does nothing: that client connects on its first call.
   */
  async login(): Promise<void> {
    if (this.config.user) await this.connect();
  }

  /** A unary call, e.g. call('KV.Range', {key: 'foo'}). */
  async call<T = any>(name: string, request: object, opts: CallOptions = {}): Promise<Reply<T>> {
    const m = lookupMethod(name);
    const timeoutNs = opts.timeoutNs ?? this.config.commandTimeoutNs;
    // A --command-timeout of 0 or less: Go's context.WithTimeout is over before the call.
    if (opts.timeoutNs === undefined && timeoutNs <= 0) throw new GrpcError(Status.DEADLINE_EXCEEDED, 'context deadline exceeded');
    const deadline = timeoutNs > 0 ? Date.now() + timeoutNs / 1e6 : 0;
    let attempts = 0;
    let reauthenticated = false;
    for (;;) {
      const conn = await this.connect();
      const remaining = deadline ? deadline - Date.now() : 0;
      if (deadline && remaining <= 0) throw new GrpcError(Status.DEADLINE_EXCEEDED, 'context deadline exceeded');
      try {
        return await conn.unary(m, request, { timeoutMs: remaining, metadata: this.metadata() });
      } catch (err) {
        if (!(err instanceof GrpcError)) throw err;
        attempts++;
        if (err.details === 'etcdserver: invalid auth token' && this.config.user && !reauthenticated) {
          reauthenticated = true;
          await this.authenticate(conn);
          continue;
        }
        const retry = err.status === Status.UNAVAILABLE && (err.notSent || SAFE_TO_RETRY.has(name));
        this.config.log?.(`${name} on ${conn.endpoint.raw} failed: ${err.details}${retry ? '; trying the next endpoint' : ''}`);
        if (retry && attempts < this.config.endpoints.length + 1) {
          conn.close();
          continue;
        }
        throw err;
      }
    }
  }

  /** Opens a streaming call; messages are decoded with the method's response type. */
  async stream(name: string, extraMetadata?: Record<string, string>): Promise<EtcdStream> {
    const m = lookupMethod(name);
    const conn = await this.connect();
    return conn.stream(m, { ...this.metadata(), ...extraMetadata });
  }

  /**
   * Gives up the current connection (a stream on it broke, or its member lost
   * the leader); the next call connects again, starting with the next endpoint.
   */
  dropConnection(): void {
    const conn = this.conn;
    if (!conn) return;
    this.config.log?.(`leaving ${conn.endpoint.raw}`);
    conn.close();
    if (this.conn === conn) this.conn = undefined;
  }

  /** Authenticates again on the current connection (the server said the token expired). */
  async refreshToken(): Promise<void> {
    if (!this.config.user) return;
    await this.authenticate(await this.connect());
  }

  close(): void {
    this.conn?.close();
    this.conn = undefined;
  }
}
