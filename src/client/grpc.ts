/**
 * One connection to one endpoint, over @grpc/grpc-js: a channel of its own
 * (no subchannel shared with another endpoint's), unary calls and streams
 * whose messages are encoded and decoded by the method definitions of
 * src/proto/registry.ts. Which endpoint to use, and when to give one up, is
 * decided above this (src/client/client.ts), as etcd's own client decides.
 *
 * Failures come out as GrpcError with gRPC-Go's wording where grpc-js words
 * them differently (etcdctl prints gRPC-Go's).
 */
import { Client, Metadata, credentials, connectivityState, type ChannelCredentials, type ClientDuplexStream, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { forWire } from '../proto/registry.js';
import { EventEmitter } from 'node:events';
import { authority, tlsServerName, type Endpoint } from './endpoints.js';
import { GrpcError, Status } from './status.js';
import { http } from '../builtins.js';

export { GrpcError, Status } from './status.js';

export interface TlsSettings {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  insecureSkipVerify: boolean;
  serverName?: string;
}

export interface ConnectOptions {
  /** null means plaintext. */
  tls: TlsSettings | null;
  dialTimeoutMs: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
}

/** Why a connection could not be made; `cause` is the underlying Node error, when one is known. */
export class ConnectError extends Error {
  constructor(
    readonly endpoint: Endpoint,
    readonly kind: 'timeout' | 'failed',
    override readonly cause: (Error & { code?: string }) | undefined,
  ) {
    super(cause?.message ?? kind);
    this.name = 'ConnectError';
  }
}

export type CallMetadata = Record<string, string>;

/** A decoded message and the bytes it came in (`-w protobuf` prints them). */
export interface Reply<T = any> {
  msg: T;
  raw: Buffer;
  /** Full name of the message type, e.g. etcdserverpb.RangeResponse. */
  type: string;
}

/** A method as this layer calls it: its path, how to encode a request and how to decode a reply. */
export interface Method {
  path: string;
  encode(request: object): Buffer;
  /** The reply in these bytes: decoded, with the bytes kept. */
  decode(bytes: Buffer): Reply;
  requestStream: boolean;
  responseStream: boolean;
}

export function methodFrom(def: MethodDefinition<object, object>, requestType: string, responseType: string): Method {
  return {
    path: def.path,
    encode: (req) => def.requestSerialize(forWire(requestType, req)),
    decode: (raw) => ({ msg: def.responseDeserialize(raw), raw, type: responseType }),
    requestStream: def.requestStream,
    responseStream: def.responseStream,
  };
}

export interface UnaryOptions {
  /** Milliseconds; undefined or 0 means no deadline. */
  timeoutMs?: number;
  metadata?: CallMetadata;
}

/**
 * The largest request message sent, as etcd's Go client limits it by default
 * (2 MiB): a larger one fails before it is sent, with the same words.
 */
export const MAX_SEND_MESSAGE_BYTES = 2 * 1024 * 1024;
/**
 * HTTP/2 windows (each stream's and the connection's). The protocol's 64 KiB
 * makes a large download (snapshot save) wait for a round trip every 64 KiB;
 * Go's gRPC grows its window up to 16 MiB by itself.
 */
const FLOW_CONTROL_WINDOW = 4 << 20;
/** etcd answers pings more frequent than every 5 s with GOAWAY; gRPC-Go never pings more often than every 10 s. */
const MIN_KEEPALIVE_MS = 10_000;

/** HTTP/2 error codes by number, as gRPC-Go names them. */
const H2_ERROR_NAMES = [
  'NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED',
  'FRAME_SIZE_ERROR', 'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED',
];
const REFUSED_STREAM = 7;

/**
 * A reply that is not gRPC (the endpoint is some other HTTP/2 server, or a
 * proxy's error page): the status gRPC-Go gives it, in its words. Undefined
 * when the headers say gRPC.
 */
function nonGrpcReply(httpStatus: number | undefined, contentType: string | undefined): GrpcError | undefined {
  const grpcType = contentType !== undefined && /^application\/grpc($|[+;])/.test(contentType);
  if (grpcType && (httpStatus === undefined || httpStatus === 200)) return undefined;
  const errs: string[] = [];
  if (httpStatus !== undefined && httpStatus !== 200) errs.push(`unexpected HTTP status code received from server: ${httpStatus} (${http().STATUS_CODES[httpStatus] ?? ''})`);
  if (contentType === undefined) errs.push('malformed header: missing HTTP content-type');
  else if (!grpcType) errs.push(`transport: received unexpected content-type ${JSON.stringify(contentType)}`);
  return new GrpcError(httpStatus === undefined || httpStatus === 200 ? Status.UNKNOWN : httpStatusToGrpc(httpStatus), errs.join('; '));
}

function httpStatusToGrpc(status: number): number {
  switch (status) {
    case 400: return Status.INTERNAL;
    case 401: return Status.UNAUTHENTICATED;
    case 403: return Status.PERMISSION_DENIED;
    case 404: return Status.UNIMPLEMENTED;
    case 429: case 502: case 503: case 504: return Status.UNAVAILABLE;
    default: return Status.UNKNOWN;
  }
}

/**
 * grpc-message is percent-encoded on the wire. grpc-js decodes it with
 * decodeURI, which leaves the escapes of URI delimiters (etcd's "etcdserver%3A
 * ..." when the server encodes the colon); gRPC-Go decodes every one.
 */
function statusMessage(text: string): string {
  return text.replace(/%(3[ABbDdFf]|2[3346BbCcFf]|40)/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/**
 * A failed call in gRPC-Go's words. grpc-js gives the same status codes but
 * its own texts for a stream reset by the server and for a reply that is not
 * gRPC; those are reworded, everything from the server is kept as sent.
 * `headers` is the response's header block, when one came.
 */
function fromServiceError(err: ServiceError & { rstCode?: number }, headers: Metadata | undefined): GrpcError {
  const details = statusMessage(err.details ?? err.message);
  const http = /^Received HTTP status code (\d+)$/.exec(details);
  const md = headers ?? err.metadata;
  const header = md?.get('content-type')[0];
  const contentType = typeof header === 'string' ? header : undefined;
  // A reply that is not gRPC: an HTTP status other than 200, or headers without gRPC's content type.
  if (http || contentType !== undefined) {
    const notGrpc = nonGrpcReply(http ? Number(http[1]) : undefined, contentType);
    if (notGrpc) return notGrpc;
  }
  const rst = typeof err.rstCode === 'number' ? err.rstCode : /^Received RST_STREAM with code (\d+)/.exec(details)?.[1];
  if (rst !== undefined && Number(rst) !== 0) {
    const code = Number(rst);
    const name = H2_ERROR_NAMES[code] ?? `unknown error code 0x${code.toString(16)}`;
    return new GrpcError(err.code, `stream terminated by RST_STREAM with error code: ${name}`, code === REFUSED_STREAM);
  }
  // The call never left: no connection could be made for it.
  const notSent = err.code === Status.UNAVAILABLE && details.startsWith('No connection established');
  return new GrpcError(err.code, details, notSent);
}

/**
 * grpc-js names the TLS server after the endpoint's host even when it is an
 * IP address, and Node then warns on stderr (DEP0123) once per process;
 * etcdctl prints nothing there, so that one warning is dropped.
 */
function quietIpServerNameWarning(): void {
  const emit = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: string }).code : rest[1];
    if (code === 'DEP0123') return;
    return (emit as (...a: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
}
let warningQuieted = false;

function channelCredentials(tls: TlsSettings | null): ChannelCredentials {
  if (!tls) return credentials.createInsecure();
  if (!warningQuieted) {
    warningQuieted = true;
    quietIpServerNameWarning();
  }
  const skip = tls.insecureSkipVerify;
  return credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null, {
    rejectUnauthorized: !skip,
    ...(skip ? { checkServerIdentity: () => undefined } : {}),
  });
}

/** The channel target grpc-js dials for an endpoint. */
function target(ep: Endpoint): string {
  if (ep.socketPath !== undefined) return ep.socketPath.startsWith('/') ? `unix://${ep.socketPath}` : `unix:${ep.socketPath}`;
  return authority(ep);
}

function toMetadata(md: CallMetadata | undefined): Metadata {
  const m = new Metadata();
  if (md) for (const [k, v] of Object.entries(md)) m.set(k, v);
  return m;
}

const identity = (b: Buffer) => b;

/** One channel to one endpoint. */
export class Connection {
  private closed = false;
  private readonly closeListeners: Array<() => void> = [];
  /** Calls in progress, failed by close(). */
  private readonly active = new Set<(err: GrpcError) => void>();

  private constructor(
    readonly endpoint: Endpoint,
    private readonly client: Client,
  ) {
    this.watchState(connectivityState.READY);
  }

  /** Connects, and waits until the channel is ready, within the dial timeout. */
  static async open(endpoint: Endpoint, opts: ConnectOptions): Promise<Connection> {
    if (endpoint.unusable !== undefined) {
      throw new ConnectError(endpoint, 'failed', Object.assign(new Error(endpoint.unusable), { code: 'EUNUSABLE' }));
    }
    const options: Record<string, string | number> = {
      'grpc.max_receive_message_length': -1,
      'grpc.max_send_message_length': -1,
      'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW,
      'grpc.use_local_subchannel_pool': 1,
      'grpc.enable_retries': 0,
      'grpc.primary_user_agent': 'etcdctl-ts',
    };
    if (opts.keepaliveTimeMs > 0) {
      options['grpc.keepalive_time_ms'] = Math.max(opts.keepaliveTimeMs, MIN_KEEPALIVE_MS);
      options['grpc.keepalive_timeout_ms'] = Math.max(opts.keepaliveTimeoutMs, 1);
    }
    const name = opts.tls && tlsServerName(endpoint, opts.tls.serverName);
    if (name) options['grpc.ssl_target_name_override'] = name;
    if (endpoint.socketPath !== undefined) options['grpc.default_authority'] = 'localhost';
    let client: Client;
    try {
      client = new Client(target(endpoint), channelCredentials(opts.tls), options);
    } catch (err) {
      throw new ConnectError(endpoint, 'failed', Object.assign(new Error(`cannot dial ${JSON.stringify(endpoint.raw)}: ${(err as Error).message}`), { code: 'EDIAL' }));
    }
    const outcome = await waitUntilReady(client, opts.dialTimeoutMs);
    if (outcome === 'ready') return new Connection(endpoint, client);
    client.close();
    if (outcome === 'timeout') throw new ConnectError(endpoint, 'timeout', undefined);
    // What went wrong is found out again with Node's own sockets, on this failure path only.
    const { probeCause } = await import('./diagnose.js');
    throw new ConnectError(endpoint, 'failed', await probeCause(endpoint, opts));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** The channel leaving READY (connection lost, GOAWAY, keepalive unanswered) closes this connection. */
  private watchState(from: connectivityState): void {
    if (this.closed) return;
    const channel = this.client.getChannel();
    channel.watchConnectivityState(from, Infinity, () => {
      if (this.closed) return;
      const now = channel.getConnectivityState(false);
      if (now === connectivityState.READY) this.watchState(now);
      else this.markClosed();
    });
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.closeListeners) l();
  }

  /** Closes the channel; calls still in progress fail as on a lost connection. */
  close(): void {
    this.markClosed();
    const failing = [...this.active];
    this.active.clear();
    for (const fail of failing) fail(new GrpcError(Status.UNAVAILABLE, 'transport is closing'));
    this.client.close();
  }

  /** One request message, one response message. */
  unary(m: Method, request: object, opts: UnaryOptions = {}): Promise<Reply> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new GrpcError(Status.UNAVAILABLE, 'transport is closing', true));
      const body = m.encode(request);
      if (body.length > MAX_SEND_MESSAGE_BYTES) {
        return reject(new GrpcError(Status.RESOURCE_EXHAUSTED, `trying to send message larger than max (${body.length} vs. ${MAX_SEND_MESSAGE_BYTES})`));
      }
      let done = false;
      const finish = (err: GrpcError | undefined, reply?: Reply) => {
        if (done) return;
        done = true;
        this.active.delete(fail);
        if (err) reject(err);
        else resolve(reply!);
      };
      const fail = (err: GrpcError) => {
        finish(err);
        call.cancel();
      };
      this.active.add(fail);
      const callOpts = opts.timeoutMs && opts.timeoutMs > 0 ? { deadline: Date.now() + opts.timeoutMs } : {};
      const call = this.client.makeUnaryRequest<Buffer, Reply>(
        m.path,
        identity,
        m.decode,
        body,
        toMetadata(opts.metadata),
        callOpts,
        (err, reply) => (err ? finish(fromServiceError(err, headers)) : finish(undefined, reply)),
      );
      let headers: Metadata | undefined;
      call.on('metadata', (md: Metadata) => {
        headers = md;
      });
    });
  }

  /** A streaming call; the caller writes requests (for a server stream: exactly one) and listens for messages. */
  stream(m: Method, metadata?: CallMetadata): GrpcStream {
    if (this.closed) throw new GrpcError(Status.UNAVAILABLE, 'transport is closing', true);
    const md = toMetadata(metadata);
    const stream = new GrpcStream(m, (send) => {
      if (m.requestStream) return this.client.makeBidiStreamRequest<Buffer, Reply>(m.path, identity, m.decode, md, {});
      // A server stream takes its one request when it starts: it is sent on the first write.
      return this.client.makeServerStreamRequest<Buffer, Reply>(m.path, identity, m.decode, send!, md, {});
    });
    const fail = (err: GrpcError) => stream.abort(err);
    this.active.add(fail);
    stream.once('end', () => this.active.delete(fail));
    return stream;
  }
}

function waitUntilReady(client: Client, timeoutMs: number): Promise<'ready' | 'failed' | 'timeout'> {
  const channel = client.getChannel();
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
  return new Promise((resolve) => {
    const check = () => {
      const state = channel.getConnectivityState(true);
      if (state === connectivityState.READY) return resolve('ready');
      if (state === connectivityState.TRANSIENT_FAILURE || state === connectivityState.SHUTDOWN) return resolve('failed');
      channel.watchConnectivityState(state, deadline, (err) => (err ? resolve('timeout') : check()));
    };
    check();
  });
}

type Call = ClientDuplexStream<Buffer, Reply> | ClientReadableStream<Reply>;

/**
 * A streaming call. Events: 'message' (Reply), 'end' (GrpcError | undefined:
 * undefined means the server ended the stream with status OK, after every
 * message was delivered).
 */
export class GrpcStream extends EventEmitter {
  private call: Call | undefined;
  private ended = false;
  private okStatus = false;
  private paused = false;

  constructor(
    private readonly m: Method,
    private readonly start: (firstRequest?: Buffer) => Call,
  ) {
    super();
    if (m.requestStream) this.attach(start());
  }

  private attach(call: Call): void {
    this.call = call;
    let headers: Metadata | undefined;
    call.on('metadata', (md: Metadata) => {
      headers = md;
    });
    if (this.paused) call.pause();
    call.on('data', (reply: Reply) => {
      if (!this.ended) this.emit('message', reply);
    });
    call.on('status', (s: { code: number }) => {
      if (s.code === Status.OK) this.okStatus = true;
    });
    call.on('error', (err: ServiceError) => this.finish(fromServiceError(err, headers)));
    // 'end' comes once every message was read: only then is a good stream over.
    call.on('end', () => {
      if (this.okStatus) this.finish(undefined);
      else call.once('status', (s: { code: number }) => s.code === Status.OK && this.finish(undefined));
    });
  }

  private finish(err: GrpcError | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.emit('end', err);
  }

  /** @internal Ends the call with this error (the connection is being closed). */
  abort(err: GrpcError): void {
    this.finish(err);
    this.call?.cancel();
  }

  send(request: object): void {
    if (this.ended) return;
    const body = this.m.encode(request);
    if (!this.call) {
      this.attach(this.start(body));
      return;
    }
    const call = this.call as ClientDuplexStream<Buffer, Reply>;
    if (!call.writableEnded && !call.destroyed) call.write(body);
  }

  /** Half-closes the request side. */
  end(): void {
    const call = this.call as ClientDuplexStream<Buffer, Reply> | undefined;
    if (call && this.m.requestStream && !call.writableEnded) call.end();
  }

  /** Abandons the call. */
  cancel(): void {
    this.finish(new GrpcError(Status.CANCELLED, 'context canceled'));
    this.call?.cancel();
  }

  /**
   * Stops delivering messages until resume(): what arrives meanwhile stays in
   * HTTP/2's flow-control window, so a slow consumer (a disk, a pipe) holds
   * the server back instead of filling memory.
   */
  pause(): void {
    this.paused = true;
    this.call?.pause();
  }

  resume(): void {
    this.paused = false;
    this.call?.resume();
  }
}
