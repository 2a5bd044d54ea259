/**
 * Watches over one Watch stream, the way etcd's Go client presents them:
 * the server's "created" acknowledgement is swallowed, every other response
 * (events, progress notifications, cancellation) is handed on in order.
 */
import { EventEmitter } from 'node:events';
import type { EtcdClient, EtcdStream, Reply } from './client.js';
import type { WatchResponse } from '../proto/types.js';
import type { GrpcError } from './status.js';

export interface WatchCreate {
  key: Buffer;
  range_end?: Buffer;
  start_revision?: bigint;
  prev_kv?: boolean;
  progress_notify?: boolean;
}

/**
 * Events: 'response' (Reply<WatchResponse>) for everything but "created";
 * 'end' (GrpcError | undefined) when the stream closes.
 */
export class Watcher extends EventEmitter {
  private constructor(private readonly stream: EtcdStream) {
    super();
    stream.on('message', (reply: Reply<WatchResponse>) => {
      if (reply.msg.created && reply.msg.events.length === 0 && !reply.msg.canceled) return;
      this.emit('response', reply);
    });
    stream.on('end', (err?: GrpcError) => this.emit('end', err));
  }

  /** Opens the Watch stream; "hasleader" makes the server refuse to watch without a leader. */
  static async open(client: EtcdClient): Promise<Watcher> {
    return new Watcher(await client.stream('Watch.Watch', { hasleader: 'true' }));
  }

  create(req: WatchCreate): void {
    this.stream.send({ create_request: req });
  }

  /** Asks the server for a progress notification on every watch of this stream. */
  requestProgress(): void {
    this.stream.send({ progress_request: {} });
  }

  close(): void {
    this.stream.cancel();
  }
}

/** etcd's Go client: a response that only reports progress. */
export function isProgressNotify(m: WatchResponse): boolean {
  return m.events.length === 0 && !m.canceled && !m.created && m.compact_revision === 0n && (m.header?.revision ?? 0n) !== 0n;
}

/** The error a canceled watch reports, as etcd's Go client words it. */
export function cancelReason(m: WatchResponse): string {
  if (m.compact_revision !== 0n) return 'etcdserver: mvcc: required revision has been compacted';
  return m.cancel_reason || 'etcdserver: watch canceled';
}
