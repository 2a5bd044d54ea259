/**
 * A small gRPC client over Node's built-in HTTP/2: unary calls and streams of
 * raw protobuf bytes. Encoding and decoding of messages happen elsewhere.
 *
 * Why not @grpc/grpc-js: loading it costs about as much start-up time as Node
 * itself, and most etcdctl invocations are one short call in a fresh process.
 * The protocol needed here (length-prefixed messages over one HTTP/2 stream,
 * status in the trailers) is small, and owning it also lets connection
 * failures be reported precisely.
 */
// Named imports: a default import of a built-in makes the bundle copy the whole module at start-up.
import { connect as http2Connect, constants as http2Constants } from 'node:http2';
import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders, OutgoingHttpHeaders, SecureClientSessionOptions } from 'node:http2';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { EventEmitter } from 'node:events';
import { STATUS_CODES } from 'node:http';
import { authority, type Endpoint } from './endpoints.js';
import { GrpcError, Status } from './status.js';

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

/** Why a connection could not be made; `cause` is the underlying Node error. */
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

export type Metadata = Record<string, string>;

export interface UnaryOptions {
  /** Milliseconds; undefined or 0 means no deadline. */
  timeoutMs?: number;
  metadata?: Metadata;
}

const HEADER_LEN = 5;
/**
 * HTTP/2 receive windows. The protocol's default (64 KiB) makes a large
 * download (snapshot save) wait for a round trip every 64 KiB; Go's gRPC grows
 * its window up to 16 MiB by itself. A paused stream (see GrpcStream.pause)
 * holds at most this much in memory.
 */
const STREAM_WINDOW = 1 << 20;
const CONNECTION_WINDOW = 4 << 20;
const MIN_KEEPALIVE_MS = 10_000;
/**
 * The largest request message sent, as etcd's Go client limits it by default
 * (2 MiB): a larger one fails before it is sent, with the same words.
 */
export const MAX_SEND_MESSAGE_BYTES = 2 * 1024 * 1024;

export function frame(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_LEN + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, HEADER_LEN);
  return out;
}

/**
 * A message to hand out. Decoded messages keep views of it (keys, values), so
 * a small message that is a slice of a large chunk is copied, lest it keep
 * the chunk alive; one that fills most of its memory (a large message, joined
 * from its frames) is handed out as it is, without copying megabytes.
 */
function ownBuffer(msg: Buffer): Buffer {
  return msg.length * 2 >= msg.buffer.byteLength ? msg : Buffer.from(msg);
}

/** Splits a byte stream into gRPC messages. */
export class Deframer {
  private pending: Buffer[] = [];
  private size = 0;

  /**
   * Takes the next chunk of the response body and emits every message it
   * completes. The chunks of an unfinished message are kept as they came and
   * joined once, when the last one arrives: a message of many megabytes in
   * 16 KiB frames is copied once, not once per frame.
   */
  push(chunk: Buffer, emit: (msg: Buffer) => void): void {
    this.pending.push(chunk);
    this.size += chunk.length;
    for (;;) {
      if (this.size < HEADER_LEN) return;
      // The 5-byte prefix split between chunks: join what there is (a few bytes).
      if (this.pending[0].length < HEADER_LEN) this.pending = [Buffer.concat(this.pending, this.size)];
      const head = this.pending[0];
      if (head[0] !== 0) throw new GrpcError(Status.INTERNAL, 'compressed gRPC messages are not supported');
      const end = HEADER_LEN + head.readUInt32BE(1);
      if (this.size < end) return;
      const buf = head.length >= end ? head : Buffer.concat(this.pending, this.size);
      emit(buf.subarray(HEADER_LEN, end));
      const rest = buf.subarray(end);
      this.pending = rest.length ? [rest] : [];
      this.size = rest.length;
    }
  }
}

function decodeGrpcMessage(text: string | undefined): string {
  if (!text) return '';
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** HTTP/2 error codes by number, as they are named on the wire. */
const H2_ERROR_NAMES = [
  'NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED',
  'FRAME_SIZE_ERROR', 'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED',
];

/**
 * The gRPC error for a failed stream. A reset from the server (RST_STREAM) is
 * named as gRPC clients name it: its code mapped to a status (CANCEL is
 * Canceled, REFUSED_STREAM is Unavailable and may be retried elsewhere, as
 * the server never took the call; most others are Internal), and the message
 * "stream terminated by RST_STREAM with error code: NAME". Anything else (the
 * connection lost, say) is Unavailable.
 */
function streamError(req: ClientHttp2Stream, err: Error, sawHeaders: boolean): GrpcError {
  const rst = req.rstCode;
  if ((err as NodeJS.ErrnoException).code === 'ERR_HTTP2_STREAM_ERROR' && typeof rst === 'number' && rst !== http2Constants.NGHTTP2_NO_ERROR) {
    const name = H2_ERROR_NAMES[rst] ?? `unknown error code 0x${rst.toString(16)}`;
    let code: number = Status.INTERNAL;
    if (rst === http2Constants.NGHTTP2_REFUSED_STREAM) code = Status.UNAVAILABLE;
    else if (rst === http2Constants.NGHTTP2_CANCEL) code = Status.CANCELLED;
    else if (rst === http2Constants.NGHTTP2_FLOW_CONTROL_ERROR || rst === http2Constants.NGHTTP2_ENHANCE_YOUR_CALM) code = Status.RESOURCE_EXHAUSTED;
    else if (rst === http2Constants.NGHTTP2_INADEQUATE_SECURITY) code = Status.PERMISSION_DENIED;
    return new GrpcError(code, `stream terminated by RST_STREAM with error code: ${name}`, rst === http2Constants.NGHTTP2_REFUSED_STREAM && !sawHeaders);
  }
  return new GrpcError(Status.UNAVAILABLE, err.message, !sawHeaders);
}

/** Reads grpc-status/grpc-message from a header or trailer block, if present. */
function statusFrom(headers: IncomingHttpHeaders): { code: number; details: string } | undefined {
  const raw = headers['grpc-status'];
  if (raw === undefined) return undefined;
  const code = Number(Array.isArray(raw) ? raw[0] : raw);
  const msg = headers['grpc-message'];
  return { code, details: decodeGrpcMessage(Array.isArray(msg) ? msg[0] : msg) };
}

/**
 * A response that is not gRPC (the endpoint is some other HTTP/2 server, or a
 * proxy's error page): the status gRPC-Go gives it, in its words. Undefined
 * for a gRPC response.
 */
function nonGrpcResponse(headers: IncomingHttpHeaders): GrpcError | undefined {
  const httpStatus = Number(headers[':status']);
  const type = headers['content-type'];
  const grpcType = typeof type === 'string' && /^application\/grpc($|[+;])/.test(type);
  if (grpcType && httpStatus === 200) return undefined;
  const errs: string[] = [];
  if (httpStatus !== 200) errs.push(`unexpected HTTP status code received from server: ${httpStatus} (${STATUS_CODES[httpStatus] ?? ''})`);
  if (type === undefined) errs.push('malformed header: missing HTTP content-type');
  else if (!grpcType) errs.push(`transport: received unexpected content-type ${JSON.stringify(type)}`);
  return new GrpcError(httpStatus === 200 ? Status.UNKNOWN : httpStatusToGrpc(httpStatus), errs.join('; '));
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

function grpcTimeout(ms: number): string {
  return `${Math.max(1, Math.ceil(ms))}m`;
}

/** One HTTP/2 connection to one endpoint. */
export class Connection {
  private closed = false;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private readonly closeListeners: Array<(err?: Error) => void> = [];

  private constructor(
    readonly endpoint: Endpoint,
    private readonly session: ClientHttp2Session,
    private readonly scheme: 'http' | 'https',
  ) {
    session.on('close', () => this.markClosed());
    session.on('error', (err) => this.markClosed(err));
    session.on('goaway', () => this.markClosed(new Error('server sent GOAWAY')));
  }

  /** Connects and waits for the server's HTTP/2 SETTINGS, within the dial timeout. */
  static open(endpoint: Endpoint, opts: ConnectOptions): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const scheme = opts.tls ? 'https' : 'http';
      const target = `${scheme}://${authority(endpoint)}`;
      let settled = false;
      const connectOpts: SecureClientSessionOptions = {
        settings: { enablePush: false, initialWindowSize: STREAM_WINDOW },
      };
      if (endpoint.socketPath !== undefined) {
        const path = endpoint.socketPath;
        connectOpts.createConnection = () => {
          const sock = netConnect(path);
          return opts.tls ? tlsConnect({ socket: sock, ...tlsOptions(opts.tls, undefined) }) : sock;
        };
      } else if (opts.tls) {
        Object.assign(connectOpts, tlsOptions(opts.tls, endpoint.host));
      }
      if (endpoint.unusable !== undefined) {
        reject(new ConnectError(endpoint, 'failed', Object.assign(new Error(endpoint.unusable), { code: 'EUNUSABLE' })));
        return;
      }
      let session: ClientHttp2Session;
      try {
        session = http2Connect(target, connectOpts);
      } catch (err) {
        // Node refuses some settings before dialling (a host that makes no URL, a key it cannot use).
        reject(new ConnectError(endpoint, 'failed', Object.assign(new Error(`cannot dial ${JSON.stringify(endpoint.raw)}: ${(err as Error).message}`), { code: 'EDIAL' })));
        return;
      }
      const timer = opts.dialTimeoutMs > 0 ? setTimeout(() => fail(new ConnectError(endpoint, 'timeout', undefined)), opts.dialTimeoutMs) : undefined;
      const fail = (err: ConnectError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        session.destroy();
        reject(err);
      };
      session.once('error', (err: Error) => fail(new ConnectError(endpoint, 'failed', err)));
      // A TLS 1.3 server rejects a client certificate after the client thinks the
      // handshake is done: that alert arrives as an error on the socket only.
      session.once('connect', (_s: ClientHttp2Session, socket: Socket) => {
        socket.once('error', (err: Error) => fail(new ConnectError(endpoint, 'failed', err)));
        socket.once('close', () => fail(new ConnectError(endpoint, 'failed', Object.assign(new Error('connection closed before HTTP/2 settings were received'), { code: 'ERR_NO_HTTP2' }))));
      });
      session.once('close', () => fail(new ConnectError(endpoint, 'failed', Object.assign(new Error('connection closed before HTTP/2 settings were received'), { code: 'ERR_NO_HTTP2' }))));
      session.once('remoteSettings', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        try {
          session.setLocalWindowSize(CONNECTION_WINDOW);
        } catch {
          // keeps the default window
        }
        const conn = new Connection(endpoint, session, scheme);
        conn.startKeepalive(opts.keepaliveTimeMs, opts.keepaliveTimeoutMs);
        // Nothing else keeps the process alive on behalf of an idle connection.
        session.unref();
        resolve(conn);
      });
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  onClose(listener: (err?: Error) => void): void {
    this.closeListeners.push(listener);
  }

  private markClosed(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    for (const l of this.closeListeners) l(err);
  }

  private startKeepalive(timeMs: number, timeoutMs: number): void {
    if (timeMs <= 0) return;
    // etcd answers pings more frequent than every 5 s with GOAWAY ("too many
    // pings"); gRPC clients never ping more often than every 10 s.
    timeMs = Math.max(timeMs, MIN_KEEPALIVE_MS);
    this.keepaliveTimer = setInterval(() => {
      if (this.closed) return;
      const watchdog = setTimeout(() => {
        this.markClosed(new Error('keepalive ping not answered'));
        this.session.destroy();
      }, timeoutMs);
      watchdog.unref();
      try {
        this.session.ping((err) => {
          clearTimeout(watchdog);
          if (err && !this.closed) {
            this.markClosed(err);
            this.session.destroy();
          }
        });
      } catch {
        clearTimeout(watchdog);
      }
    }, timeMs);
    this.keepaliveTimer.unref();
  }

  close(): void {
    this.markClosed();
    this.session.close();
    this.session.destroy();
  }

  private headers(path: string, metadata: Metadata | undefined, timeoutMs: number | undefined): OutgoingHttpHeaders {
    const h: OutgoingHttpHeaders = {
      ':method': 'POST',
      ':scheme': this.scheme,
      ':path': path,
      ':authority': authority(this.endpoint),
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': 'etcdctl-ts',
    };
    if (timeoutMs && timeoutMs > 0) h['grpc-timeout'] = grpcTimeout(timeoutMs);
    if (metadata) Object.assign(h, metadata);
    return h;
  }

  /** One request message, one response message. */
  unary(path: string, request: Uint8Array, opts: UnaryOptions = {}): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new GrpcError(Status.UNAVAILABLE, 'connection closed', true));
        return;
      }
      if (request.length > MAX_SEND_MESSAGE_BYTES) {
        reject(new GrpcError(Status.RESOURCE_EXHAUSTED, `trying to send message larger than max (${request.length} vs. ${MAX_SEND_MESSAGE_BYTES})`));
        return;
      }
      let req: ClientHttp2Stream;
      try {
        req = this.session.request(this.headers(path, opts.metadata, opts.timeoutMs));
      } catch (err) {
        reject(new GrpcError(Status.UNAVAILABLE, (err as Error).message, true));
        return;
      }
      this.session.ref();
      let response: Buffer | undefined;
      let status: { code: number; details: string } | undefined;
      let sawHeaders = false;
      let done = false;
      const deframer = new Deframer();
      const finish = (err?: GrpcError) => {
        if (done) return;
        done = true;
        if (timer) clearTimeout(timer);
        this.session.unref();
        if (err) return reject(err);
        if (!status) {
          return reject(new GrpcError(Status.UNAVAILABLE, 'stream closed without a gRPC status', !sawHeaders));
        }
        if (status.code !== Status.OK) return reject(new GrpcError(status.code, status.details));
        if (!response) return reject(new GrpcError(Status.INTERNAL, 'no response message'));
        resolve(response);
      };
      const timer = opts.timeoutMs && opts.timeoutMs > 0
        ? setTimeout(() => {
            req.close(http2Constants.NGHTTP2_CANCEL);
            finish(new GrpcError(Status.DEADLINE_EXCEEDED, 'context deadline exceeded'));
          }, opts.timeoutMs)
        : undefined;
      req.on('response', (headers) => {
        sawHeaders = true;
        const notGrpc = nonGrpcResponse(headers);
        if (notGrpc) {
          req.close(http2Constants.NGHTTP2_PROTOCOL_ERROR);
          finish(notGrpc);
          return;
        }
        status = statusFrom(headers) ?? status;
      });
      req.on('trailers', (trailers) => {
        status = statusFrom(trailers) ?? status;
      });
      req.on('data', (chunk: Buffer) => {
        try {
          deframer.push(chunk, (msg) => {
            response = ownBuffer(msg);
          });
        } catch (err) {
          finish(err as GrpcError);
        }
      });
      req.on('error', (err: Error) => finish(streamError(req, err, sawHeaders)));
      req.on('close', () => finish());
      req.end(frame(request));
    });
  }

  /** A streaming call; the caller writes requests and listens for messages. */
  stream(path: string, metadata?: Metadata): GrpcStream {
    return new GrpcStream(this, path, metadata);
  }

  /** @internal */
  openRaw(path: string, metadata: Metadata | undefined): ClientHttp2Stream {
    if (this.closed) throw new GrpcError(Status.UNAVAILABLE, 'connection closed', true);
    return this.session.request(this.headers(path, metadata, undefined));
  }

  /** @internal */
  refSession(on: boolean): void {
    if (this.closed) return;
    if (on) this.session.ref();
    else this.session.unref();
  }
}

/**
 * A streaming call. Events: 'message' (Buffer), 'end' (GrpcError | undefined:
 * undefined means the server ended the stream with status OK).
 */
export class GrpcStream extends EventEmitter {
  private readonly req: ClientHttp2Stream;
  private ended = false;

  constructor(private readonly conn: Connection, path: string, metadata: Metadata | undefined) {
    super();
    this.req = conn.openRaw(path, metadata);
    conn.refSession(true);
    let status: { code: number; details: string } | undefined;
    let sawHeaders = false;
    const deframer = new Deframer();
    this.req.on('response', (headers) => {
      sawHeaders = true;
      const notGrpc = nonGrpcResponse(headers);
      if (notGrpc) {
        this.req.close(http2Constants.NGHTTP2_PROTOCOL_ERROR);
        this.finish(notGrpc);
        return;
      }
      status = statusFrom(headers) ?? status;
    });
    this.req.on('trailers', (trailers) => {
      status = statusFrom(trailers) ?? status;
    });
    this.req.on('data', (chunk: Buffer) => {
      try {
        deframer.push(chunk, (msg) => this.emit('message', ownBuffer(msg)));
      } catch (err) {
        this.finish(err as GrpcError);
      }
    });
    this.req.on('error', (err: Error) => this.finish(streamError(this.req, err, sawHeaders)));
    this.req.on('close', () => {
      if (!status) return this.finish(new GrpcError(Status.UNAVAILABLE, 'stream closed without a gRPC status', !sawHeaders));
      this.finish(status.code === Status.OK ? undefined : new GrpcError(status.code, status.details));
    });
  }

  private finish(err: GrpcError | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.conn.refSession(false);
    this.emit('end', err);
  }

  write(message: Uint8Array): void {
    if (this.ended || this.req.writableEnded || this.req.destroyed) return;
    this.req.write(frame(message));
  }

  /** Half-closes the request side. */
  end(): void {
    if (!this.req.writableEnded && !this.req.destroyed) this.req.end();
  }

  /** Abandons the call. */
  cancel(): void {
    if (!this.req.destroyed) this.req.close(http2Constants.NGHTTP2_CANCEL);
    this.finish(new GrpcError(Status.CANCELLED, 'context canceled'));
  }

  /**
   * Stops delivering messages until resume(): what arrives meanwhile stays in
   * HTTP/2's flow-control window, so a slow consumer (a disk, a pipe) holds
   * the server back instead of filling memory. Messages already received in
   * the current chunk may still be emitted.
   */
  pause(): void {
    if (!this.req.destroyed) this.req.pause();
  }

  resume(): void {
    if (!this.req.destroyed) this.req.resume();
  }
}

function tlsOptions(t: TlsSettings, host: string | undefined): ConnectionOptions {
  const o: ConnectionOptions = {
    ALPNProtocols: ['h2'],
    rejectUnauthorized: !t.insecureSkipVerify,
  };
  if (t.ca) o.ca = t.ca;
  if (t.cert) o.cert = t.cert;
  if (t.key) o.key = t.key;
  const name = t.serverName ?? host;
  // SNI is only for names, not IP addresses.
  if (name && isIP(name) === 0) o.servername = name;
  return o;
}
