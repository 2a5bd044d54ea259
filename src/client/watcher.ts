/**
 * Watches that survive the faults of a real cluster. The server's "created"
 * acknowledgement is swallowed as etcd's Go client swallows it; every other
 * response (events, progress notifications, cancellation) is handed on in
 * order. When the stream breaks (the member died, lost its leader, the
 * connection stalled, the auth token expired) the watches are opened again,
 * on the next endpoint that answers, from the revision after the last one
 * delivered: nothing is missed and nothing is delivered twice.
 */
import { EventEmitter } from 'node:events';
import type { EtcdClient, EtcdStream, Reply } from './client.js';
import type { WatchResponse } from '../proto/types.gen.js';
import { GrpcError, Status } from './status.js';

export interface WatchCreate {
  key: Buffer;
  range_end?: Buffer;
  start_revision?: bigint;
  prev_kv?: boolean;
  progress_notify?: boolean;
}

interface Entry {
  request: WatchCreate;
  /** Where to resume: the revision after the last one delivered (undefined until known). */
  nextRev?: bigint;
  canceled: boolean;
}

/** Stream failures worth opening the watches again for. */
function retryable(err: GrpcError): boolean {
  if (err.status === Status.UNAVAILABLE || err.status === Status.INTERNAL || err.status === Status.UNKNOWN || err.status === Status.CANCELLED) return true;
  if (err.status === Status.DEADLINE_EXCEEDED || err.status === Status.RESOURCE_EXHAUSTED) return true;
  return /no leader|leader changed|invalid auth token|stopped/.test(err.details);
}

/**
 * Events: 'response' (Reply<WatchResponse>, watch index or -1 for a response
 * of the whole stream); 'end' (GrpcError | undefined) once every watch is
 * canceled, the session is closed, or the stream failed for good.
 */
export class WatchSession extends EventEmitter {
  private readonly entries: Entry[] = [];
  /** Indices of the create requests sent on the current stream, awaiting "created". */
  private pending: number[] = [];
  private readonly byWatchId = new Map<bigint, number>();
  private stream: EtcdStream | undefined;
  private closed = false;
  private reopening = false;

  constructor(
    private readonly client: EtcdClient,
    private readonly log?: (line: string) => void,
  ) {
    super();
  }

  /** Opens the stream; call once before add(). */
  async start(): Promise<void> {
    await this.open();
  }

  /** Starts one more watch; returns its index. */
  add(request: WatchCreate): number {
    const idx = this.entries.push({ request, canceled: false }) - 1;
    this.sendCreate(idx);
    return idx;
  }

  /** Asks the server for a progress notification on every watch of this stream. */
  requestProgress(): void {
    this.stream?.send({ progress_request: {} });
  }

  close(): void {
    this.closed = true;
    this.stream?.cancel();
  }

  private sendCreate(idx: number): void {
    const e = this.entries[idx];
    this.pending.push(idx);
    const start = e.nextRev ?? e.request.start_revision ?? 0n;
    this.stream?.send({ create_request: { ...e.request, start_revision: start } });
  }

  /** "hasleader" makes a member without a leader refuse the watch instead of going silent. */
  private async open(): Promise<void> {
    const stream = await this.client.watch.watch({ hasleader: 'true' });
    this.stream = stream;
    this.pending = [];
    this.byWatchId.clear();
    stream.on('message', (reply: Reply<WatchResponse>) => {
      if (this.stream === stream) this.onMessage(reply);
    });
    stream.on('end', (err?: GrpcError) => {
      if (this.stream === stream) void this.onEnd(err);
    });
  }

  private onMessage(reply: Reply<WatchResponse>): void {
    const m = reply.msg;
    if (m.created && m.events.length === 0 && !m.canceled) {
      const idx = this.pending.shift();
      if (idx === undefined) return;
      this.byWatchId.set(m.watch_id, idx);
      // A watch "from now" resumes after the revision it was created at.
      const e = this.entries[idx];
      if (e.nextRev === undefined && !e.request.start_revision) e.nextRev = (m.header?.revision ?? 0n) + 1n;
      return;
    }
    let idx = this.byWatchId.get(m.watch_id) ?? -1;
    if (m.canceled && idx === -1 && this.pending.length > 0) {
      // Refused at creation (compacted start revision, no permission): it never got an ID.
      idx = this.pending.shift()!;
    }
    const e = idx >= 0 ? this.entries[idx] : undefined;
    if (e) {
      if (m.events.length > 0) e.nextRev = (m.events[m.events.length - 1].kv?.mod_revision ?? 0n) + 1n;
      else if (!m.canceled && m.header && m.header.revision + 1n > (e.nextRev ?? 0n)) e.nextRev = m.header.revision + 1n;
      if (m.canceled) e.canceled = true;
    }
    this.emit('response', reply, idx);
    if (m.canceled && this.entries.every((x) => x.canceled)) this.finish(undefined);
  }

  private finish(err: GrpcError | undefined): void {
    if (this.closed && err === undefined && this.stream === undefined) return;
    this.closed = true;
    const s = this.stream;
    this.stream = undefined;
    s?.cancel();
    this.emit('end', err);
  }

  private async onEnd(err: GrpcError | undefined): Promise<void> {
    if (this.closed) {
      this.emit('end', undefined);
      return;
    }
    if (this.entries.every((e) => e.canceled) && this.entries.length > 0) return this.finish(undefined);
    const failure = err ?? new GrpcError(Status.UNAVAILABLE, 'watch stream ended');
    if (!retryable(failure)) return this.finish(failure);
    if (this.reopening) return;
    this.reopening = true;
    this.log?.(`watch stream broke (${failure.details}); opening it again`);
    let delay = 50;
    while (!this.closed) {
      try {
        this.stream = undefined;
        this.client.dropConnection();
        if (/invalid auth token/.test(failure.details)) await this.client.refreshToken();
        await this.open();
        for (let i = 0; i < this.entries.length; i++) if (!this.entries[i].canceled) this.sendCreate(i);
        break;
      } catch (e) {
        this.log?.(`watch: ${(e as Error).message}; trying again in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 1000);
      }
    }
    this.reopening = false;
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
