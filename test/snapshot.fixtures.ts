// Helpers of the snapshot tests: an in-process client to fill a server quickly, a
// fault-injecting HTTP/2 proxy in front of a real etcd (its Maintenance.Snapshot stream can be
// made to misbehave message by message), and real etcd processes on restored data dirs.

import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createHash, type Hash } from 'node:crypto';
import { EtcdClient } from '../src/client/client.js';
import { parseEndpoint } from '../src/client/endpoints.js';
import { sleep } from './harness/process.js';
import { decodeMessage as decode, encodeMessage as encode } from '../src/proto/registry.js';

/** A gRPC message frame: no compression, the length, the message. */
function grpcFrame(message: Uint8Array): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** A client of our own on `url`, for setting up data fast (no process per request). */
export function directClient(url: string): EtcdClient {
  return new EtcdClient({
    endpoints: [parseEndpoint(url)],
    connect: { tls: null, dialTimeoutMs: 5000, keepaliveTimeMs: 0, keepaliveTimeoutMs: 0 },
    commandTimeoutNs: 30e9,
    insecureSkipVerify: false,
  });
}

/** Runs `fn` over `items` with at most `n` at a time. */
export async function parallel<T>(items: T[], n: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (i < items.length) await fn(items[i++]);
  }));
}

// ---------------------------------------------------------------------------------------------
// A fault-injecting HTTP/2 proxy in front of a real etcd.
//
// Every gRPC call that reaches the proxy is relayed to the etcd at `target` (same :path, same
// request headers and body) and etcd's answer (headers, DATA, trailers) is relayed back. Calls
// other than Maintenance.Snapshot pass untouched. The Snapshot answer is cut into its gRPC
// messages (a 5-byte prefix: compressed flag, 4-byte big-endian length; then the message) so
// that faults can be applied message by message. etcd sends the db in chunks (each a
// SnapshotResponse with remaining_bytes counting down to 0), then one more SnapshotResponse whose
// blob is the sha256 of the db: that last message is "the trailer" below.

const SNAPSHOT_PATH = '/etcdserverpb.Maintenance/Snapshot';
const SNAPSHOT_RESPONSE = 'etcdserverpb.SnapshotResponse';
const { NGHTTP2_CANCEL, NGHTTP2_INTERNAL_ERROR, NGHTTP2_NO_ERROR, NGHTTP2_FLAG_END_STREAM } = http2.constants;

/** What the proxy does to Maintenance.Snapshot calls (the other calls are always relayed as they are). */
export interface Faults {
  /** Answer at once with this gRPC status, without asking etcd. */
  error?: { code: number; message: string };
  /** Replace the blob of etcd's trailer message with these bytes, or leave the message out ('drop'). */
  trailer?: Buffer | 'drop';
  /** Once at least this many db bytes were handed on, hand on nothing more and keep the stream open. */
  stallAfter?: number;
  /** Once at least this many db bytes were handed on, reset the stream (RST_STREAM INTERNAL_ERROR). */
  resetAfter?: number;
  /**
   * Zero `length` db bytes from offset `at` and send the sha256 of the bytes
   * handed on as the trailer: a damaged db whose digest still matches, as a
   * member whose own file is damaged would send it.
   */
  damage?: { at: number; length: number };
  /** Wait `ms` before handing on each message (each of the first `messages` ones only, when given). */
  delay?: { ms: number; messages?: number };
}

/** What happened to one Snapshot call relayed to etcd. */
export interface SnapshotCall {
  /** The db size etcd announced in its first message (that message's remaining_bytes + blob). */
  dbSize: number;
  /** db bytes received from etcd so far. */
  dbReceived: number;
  /** db bytes handed on to the client so far (the trailer not counted). */
  dbSent: number;
  /** Messages received from etcd. */
  messages: number;
  /** sha256 of the db bytes handed on, computed when etcd's trailer message arrives. */
  dbSha?: Buffer;
  /** The blob of etcd's own trailer message, as etcd sent it. */
  etcdTrailer?: Buffer;
}

export interface FaultProxy {
  /** http://127.0.0.1:PORT: the endpoint to give the client under test. */
  url: string;
  readonly faults: Faults;
  /** Snapshot calls received (answered with a fault or relayed). */
  calls: number;
  /**
   * Bytes of Snapshot response messages handed on to the client (accepted by HTTP/2 for
   * sending). The proxy hands on nothing more while HTTP/2 says its buffer is full (write()
   * returned false) and etcd's stream stays paused meanwhile: a slow client holds it back.
   */
  sent: number;
  /** One entry per Snapshot call relayed to etcd, in order. */
  snapshots: SnapshotCall[];
  /** Anything that went wrong inside the proxy itself (should stay empty). */
  errors: string[];
  /** Destroys the client sessions and the session to etcd, and closes the server. */
  close(): Promise<void>;
}

/** Headers of a response (with :status) or trailers (without) as they can be sent on. */
function relayable(h: http2.IncomingHttpHeaders, keepStatus: boolean): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    if (k.startsWith(':') && !(keepStatus && k === ':status')) continue;
    out[k] = v;
  }
  return out;
}

/** A plaintext HTTP/2 proxy on 127.0.0.1 in front of the etcd client URL `target` (http://). */
export function faultProxy(target: string, faults: Faults = {}): Promise<FaultProxy> {
  const sessions = new Set<http2.ServerHttp2Session>();
  let upstream: http2.ClientHttp2Session | undefined;
  const upstreamSession = (): http2.ClientHttp2Session => {
    if (!upstream || upstream.closed || upstream.destroyed) {
      upstream = http2.connect(target);
      // A session that fails takes its streams down with it; each stream reports that itself.
      upstream.on('error', () => {});
    }
    return upstream;
  };
  const server = http2.createServer();
  const state: FaultProxy = { url: '', faults, calls: 0, sent: 0, snapshots: [], errors: [], close: async () => {} };
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
    s.on('error', () => {});
  });
  server.on('stream', (incoming, headers) => relay(incoming, headers));

  function relay(incoming: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    incoming.on('error', () => {});
    const isSnapshot = headers[':path'] === SNAPSHOT_PATH;
    if (isSnapshot) state.calls++;
    if (isSnapshot && faults.error) {
      incoming.respond({
        ':status': 200,
        'content-type': 'application/grpc',
        'grpc-status': String(faults.error.code),
        'grpc-message': encodeURIComponent(faults.error.message),
      }, { endStream: true });
      return;
    }

    // The request as the client sent it; the session to etcd fills in :scheme and :authority.
    const reqHeaders: http2.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined || k === ':scheme' || k === ':authority') continue;
      reqHeaders[k] = v;
    }
    let up: http2.ClientHttp2Stream;
    try {
      up = upstreamSession().request(reqHeaders);
    } catch (err) {
      incoming.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '14', 'grpc-message': encodeURIComponent(String(err)) }, { endStream: true });
      return;
    }
    incoming.pipe(up);

    const call: SnapshotCall | undefined = isSnapshot ? { dbSize: 0, dbReceived: 0, dbSent: 0, messages: 0 } : undefined;
    if (call) state.snapshots.push(call);
    const sentHash: Hash = createHash('sha256');
    let pending: Buffer = Buffer.alloc(0);
    let upEnded = false;
    let trailersOnly = false;
    let trailers: http2.IncomingHttpHeaders | undefined;
    /** Set when the relay stops for good (finished, stalled on purpose, reset, or the client went away). */
    let halted = false;
    let busy = false;

    const clientGone = () => incoming.closed || incoming.destroyed;
    const cancelUp = () => {
      if (!up.closed && !up.destroyed) up.close(NGHTTP2_CANCEL);
    };

    // The client went away (cancel, reset, connection lost): so does the call to etcd.
    incoming.on('close', () => {
      halted = true;
      cancelUp();
    });
    up.on('error', (err) => {
      if (clientGone()) return;
      if (!incoming.headersSent) {
        incoming.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '14', 'grpc-message': encodeURIComponent(err.message) }, { endStream: true });
      } else {
        incoming.close(NGHTTP2_INTERNAL_ERROR);
      }
    });
    // etcd reset its side: the client's side is reset the same way.
    up.on('close', () => {
      const code = up.rstCode ?? NGHTTP2_NO_ERROR;
      if (code !== NGHTTP2_NO_ERROR && !clientGone()) {
        halted = true;
        incoming.close(code);
      }
    });
    up.on('response', (h, flags) => {
      if (clientGone()) return;
      if (flags & NGHTTP2_FLAG_END_STREAM) {
        // A trailers-only answer (an error status at once): headers and status in one go.
        trailersOnly = true;
        incoming.respond(relayable(h, true), { endStream: true });
        return;
      }
      incoming.respond(relayable(h, true), { waitForTrailers: true });
    });
    up.on('trailers', (t) => {
      trailers = t;
    });
    incoming.on('wantTrailers', () => {
      if (trailers) incoming.sendTrailers(relayable(trailers, false));
      else incoming.close();
    });
    up.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      // One chunk of etcd's at a time: etcd waits while the client is slow.
      up.pause();
      void pump();
    });
    up.on('end', () => {
      upEnded = true;
      void pump();
    });

    /** The next unit to hand on: a whole gRPC message for Snapshot, whatever came for other calls. */
    function take(): Buffer | null {
      if (!call) {
        if (pending.length === 0) return null;
        const all = pending;
        pending = Buffer.alloc(0);
        return all;
      }
      if (pending.length < 5) return null;
      const size = 5 + pending.readUInt32BE(1);
      if (pending.length < size) return null;
      const frame = pending.subarray(0, size);
      pending = pending.subarray(size);
      return frame;
    }

    /** Hands on `buf`, then waits while HTTP/2 holds more than it wants to. */
    async function write(buf: Buffer): Promise<void> {
      if (call) state.sent += buf.length;
      if (incoming.write(buf) || clientGone()) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          incoming.off('drain', done);
          incoming.off('close', done);
          resolve();
        };
        incoming.on('drain', done);
        incoming.on('close', done);
      });
    }

    /** Applies the faults to one message of etcd's snapshot stream and hands on what is left of it. */
    async function snapshotMessage(frame: Buffer, c: SnapshotCall): Promise<void> {
      if (frame[0] !== 0) throw new Error('compressed gRPC message: cannot apply faults to it');
      const msg = decode(SNAPSHOT_RESPONSE, frame.subarray(5)) as { remaining_bytes: bigint; blob: Buffer };
      c.messages++;
      // Every db byte already came: this is the trailer.
      const isTrailer = c.messages > 1 && c.dbReceived >= c.dbSize;
      if (isTrailer) {
        c.etcdTrailer = Buffer.from(msg.blob);
        c.dbSha = sentHash.copy().digest();
      } else {
        if (c.messages === 1) c.dbSize = Number(msg.remaining_bytes) + msg.blob.length;
        c.dbReceived += msg.blob.length;
      }
      if (faults.stallAfter !== undefined && c.dbSent >= faults.stallAfter) {
        // Hand on nothing more; etcd's side stays paused and the client's side open.
        halted = true;
        return;
      }
      if (faults.resetAfter !== undefined && c.dbSent >= faults.resetAfter) {
        halted = true;
        incoming.close(NGHTTP2_INTERNAL_ERROR);
        cancelUp();
        return;
      }
      if (faults.delay && (faults.delay.messages === undefined || c.messages <= faults.delay.messages)) {
        await sleep(faults.delay.ms);
        if (clientGone()) return;
      }
      if (!isTrailer) {
        const d = faults.damage;
        const from = d ? Math.max(d.at, c.dbSent) : 0;
        const to = d ? Math.min(d.at + d.length, c.dbSent + msg.blob.length) : 0;
        if (from < to) {
          const blob = Buffer.from(msg.blob);
          blob.fill(0, from - c.dbSent, to - c.dbSent);
          msg.blob = blob;
          frame = grpcFrame(encode(SNAPSHOT_RESPONSE, msg));
        }
        sentHash.update(msg.blob);
        c.dbSent += msg.blob.length;
        await write(frame);
        return;
      }
      if (faults.damage && !faults.trailer) {
        await write(grpcFrame(encode(SNAPSHOT_RESPONSE, { ...msg, blob: c.dbSha })));
        return;
      }
      if (faults.trailer === 'drop') return;
      if (faults.trailer) {
        await write(grpcFrame(encode(SNAPSHOT_RESPONSE, { ...msg, blob: faults.trailer })));
        return;
      }
      await write(frame);
    }

    /** Hands on what etcd sent, one unit at a time, for as long as there is something to hand on. */
    async function pump(): Promise<void> {
      if (busy) return;
      busy = true;
      try {
        while (!halted && !clientGone()) {
          const unit = take();
          if (unit) {
            if (call) await snapshotMessage(unit, call);
            else await write(unit);
            continue;
          }
          if (upEnded) {
            // All relayed: end the DATA; etcd's trailers follow ('wantTrailers').
            halted = true;
            if (!trailersOnly) incoming.end();
            break;
          }
          up.resume();
          break;
        }
      } catch (err) {
        state.errors.push(String(err));
        halted = true;
        if (!clientGone()) incoming.close(NGHTTP2_INTERNAL_ERROR);
        cancelUp();
      } finally {
        busy = false;
      }
    }
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      state.close = async () => {
        for (const s of sessions) s.destroy();
        const closed = new Promise<void>((done) => server.close(() => done()));
        const up = upstream;
        upstream = undefined;
        if (up && !up.destroyed) {
          const gone = new Promise<void>((done) => up.once('close', () => done()));
          up.destroy();
          await gone;
        }
        await closed;
      };
      resolve(state);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Real etcd processes on restored data dirs.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';

const ETCD = process.env.ETCD_BIN || '/usr/bin/etcd';
const booted = new Set<ChildProcess>();
let exitHook = false;

export interface Booted {
  name: string;
  clientUrl: string;
  logFile: string;
  stop(): Promise<void>;
  log(): string;
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/health`, { timeout: 1000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 && /"health":\s*"?true/.test(body)));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/**
 * Starts the real etcd on each restored data dir (its WAL decides the cluster: the
 * --initial-* flags are not given), and waits until every member is healthy.
 */
export async function bootRestored(members: Array<{ name: string; dataDir: string; peerUrl: string; clientPort: number; walDir?: string }>, timeoutMs = 20_000): Promise<Booted[]> {
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const c of booted) c.kill('SIGKILL');
    });
  }
  const out: Booted[] = members.map((m) => {
    const clientUrl = `http://127.0.0.1:${m.clientPort}`;
    const logFile = `${m.dataDir}.log`;
    const fd = fs.openSync(logFile, 'a');
    const args = [
      '--name', m.name, '--data-dir', m.dataDir,
      '--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl,
      '--listen-peer-urls', m.peerUrl, '--initial-advertise-peer-urls', m.peerUrl,
      '--heartbeat-interval', '50', '--election-timeout', '500', '--logger=zap', '--log-outputs=stderr',
      ...(m.walDir ? ['--wal-dir', m.walDir] : []),
    ];
    const child = spawn(ETCD, args, { stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    booted.add(child);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.once('exit', () => booted.delete(child));
    return {
      name: m.name,
      clientUrl,
      logFile,
      log: () => fs.readFileSync(logFile, 'utf8'),
      stop: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      },
    };
  });
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(out);
  while (pending.size > 0) {
    for (const b of [...pending]) if (await healthy(b.clientUrl)) pending.delete(b);
    if (pending.size === 0) break;
    if (Date.now() > deadline) {
      await Promise.all(out.map((b) => b.stop()));
      const b = [...pending][0];
      throw new Error(`etcd ${b.name} on a restored dir is not healthy after ${timeoutMs} ms:\n${b.log().split('\n').slice(-25).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return out;
}
