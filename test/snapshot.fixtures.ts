// Helpers of the snapshot tests: an in-process client to fill a server quickly, and a fake
// Maintenance.Snapshot server (HTTP/2, gRPC framing) whose stream can be made to misbehave.

import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { EtcdClient } from '../src/client/client.js';
import { parseEndpoint } from '../src/client/endpoints.js';
import { encode } from '../src/proto/codec.js';

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

export type FakeBehaviour =
  /** Sends `db` in 32 KiB chunks, then `trailer` (default: the right digest). */
  | { kind: 'send'; db: Buffer; trailer?: Buffer; chunkDelayMs?: number }
  /** Sends the first `after` bytes of `db`, then nothing more (the stream stays open). */
  | { kind: 'stall'; db: Buffer; after: number }
  /** Sends the first `after` bytes of `db`, then resets the stream. */
  | { kind: 'reset'; db: Buffer; after: number }
  /** Ends the call at once with a gRPC error. */
  | { kind: 'error'; code: number; message: string };

export interface FakeServer {
  url: string;
  /** Number of Snapshot calls received. */
  calls: number;
  /** Bytes of messages handed to HTTP/2 so far (flow control holds it back when the client is slow). */
  sent: number;
  close(): Promise<void>;
}

function frame(msg: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + msg.length);
  out.writeUInt32BE(msg.length, 1);
  Buffer.from(msg).copy(out, 5);
  return out;
}

/** A plaintext HTTP/2 server answering Maintenance.Snapshot as `behaviour` says. */
export function fakeSnapshotServer(behaviour: FakeBehaviour): Promise<FakeServer> {
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createServer();
  const state: FakeServer = { url: '', calls: 0, sent: 0, close: async () => {} };
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  server.on('stream', (stream, headers) => {
    if (headers[':path'] !== '/etcdserverpb.Maintenance/Snapshot') {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': 'unimplemented' }, { endStream: true });
      return;
    }
    state.calls++;
    stream.on('error', () => {});
    if (behaviour.kind === 'error') {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(behaviour.code), 'grpc-message': encodeURIComponent(behaviour.message) }, { endStream: true });
      return;
    }
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    const db = behaviour.db;
    const limit = behaviour.kind === 'send' ? db.length : behaviour.after;
    const chunks: Buffer[] = [];
    for (let off = 0; off < limit; off += 32 * 1024) {
      const blob = db.subarray(off, Math.min(off + 32 * 1024, limit));
      chunks.push(frame(encode('etcdserverpb.SnapshotResponse', { remaining_bytes: BigInt(db.length - off - blob.length), blob })));
    }
    if (behaviour.kind === 'send') {
      const trailer = behaviour.trailer ?? createHash('sha256').update(db).digest();
      chunks.push(frame(encode('etcdserverpb.SnapshotResponse', { remaining_bytes: 0n, blob: trailer })));
    }
    const delay = behaviour.kind === 'send' ? behaviour.chunkDelayMs ?? 0 : 0;
    let i = 0;
    const sendNext = () => {
      if (stream.destroyed) return;
      if (i < chunks.length) {
        state.sent += chunks[i].length;
        const ok = stream.write(chunks[i++]);
        if (delay > 0) setTimeout(sendNext, delay);
        else if (ok) setImmediate(sendNext);
        else stream.once('drain', sendNext);
        return;
      }
      if (behaviour.kind === 'send') stream.end();
      else if (behaviour.kind === 'reset') stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      // 'stall': nothing more.
    };
    sendNext();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      state.close = () =>
        new Promise<void>((done) => {
          for (const s of sessions) s.destroy();
          server.close(() => done());
        });
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
