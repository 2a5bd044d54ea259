/**
 * Lease keep-alives the way etcd's Go client (clientv3 lessor) runs them, so
 * that `lease keep-alive` renews at the same moments and gives up under the
 * same conditions as etcdctl:
 *
 *  - one LeaseKeepAlive stream, opened with "hasleader" (a member without a
 *    leader refuses it rather than renewing nothing);
 *  - every 500 ms the sender looks whether the next renewal is due and sends
 *    one; it is due TTL/3 after the last response (so a TTL of 3 s renews
 *    every 1.5 s: the check runs on the 500 ms tick);
 *  - a response with TTL <= 0 means the lease is gone (expired or revoked);
 *  - every second the deadline is checked: no response for TTL seconds since
 *    the last one (or for dial timeout + 1 s before the first) means the lease
 *    must be taken as expired;
 *  - when the stream breaks, a new one is opened 500 ms later, on the next
 *    endpoint that answers, and renewing goes on as long as the deadline has
 *    not passed.
 *
 * Two things are done differently, both only when something is broken:
 *  - when no endpoint can be reached at the very start, the connection error
 *    is reported instead of waiting for the first deadline and calling the
 *    lease expired;
 *  - a stream that stops answering (a renewal unanswered for a third of the
 *    TTL, at least 1 s) is given up for a new one on the next endpoint, instead
 *    of waiting on it until the lease expires.
 */
import type { EtcdClient, EtcdStream, Reply } from './client.js';
import type { LeaseKeepAliveResponse } from '../proto/types.gen.js';
import { GrpcError, Status } from './status.js';

export interface KeepAliveTimings {
  /** How often the sender checks whether a renewal is due (Go: retryConnWait, 500 ms). */
  sendTickMs: number;
  /** How often the deadline is checked (Go: 1 s). */
  deadlineTickMs: number;
  /** Wait before opening a new stream after one broke (Go: retryConnWait, 500 ms). */
  retryMs: number;
  /** Deadline for the first response (Go: dial timeout + 1 s). */
  firstResponseMs: number;
}

export const GO_KEEPALIVE_TIMINGS: Omit<KeepAliveTimings, 'firstResponseMs'> = { sendTickMs: 500, deadlineTickMs: 1000, retryMs: 500 };

/** Why keeping a lease alive ended. */
export type KeepAliveEnd =
  /** The server answered TTL <= 0: the lease was revoked or has expired. */
  | 'gone'
  /** No answer within the lease's TTL: it must be taken as expired. */
  | 'deadline'
  /** stop() was called. */
  | 'stopped';

/**
 * Keeps one lease alive until it is gone or stop() is called. `onResponse`
 * gets every renewal (TTL > 0); if it throws, keeping alive stops and `done`
 * rejects with that error. `done` also rejects when the first stream cannot be
 * opened at all.
 */
export class LeaseKeeper {
  readonly done: Promise<KeepAliveEnd>;
  private resolve!: (end: KeepAliveEnd) => void;
  private reject!: (err: unknown) => void;
  private finished = false;
  private stream: EtcdStream | undefined;
  private everOpened = false;
  private deadline = 0;
  private nextKeepAlive = 0;
  /** TTL of the last response, in ms (0 before the first). */
  private ttlMs = 0;
  /** When the oldest unanswered renewal on the current stream was sent (0: none). */
  private awaitingSince = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Debug log (--debug), or nothing. */
  private readonly log: (line: string) => void;

  constructor(
    private readonly client: EtcdClient,
    readonly id: bigint,
    private readonly onResponse: (r: Reply<LeaseKeepAliveResponse>) => void,
    private readonly timings: KeepAliveTimings,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.log = client.config?.log ?? (() => {});
  }

  start(): this {
    const now = Date.now();
    this.deadline = now + this.timings.firstResponseMs;
    this.nextKeepAlive = now;
    this.every(this.timings.deadlineTickMs, () => {
      if (this.deadline < Date.now()) this.finish('deadline');
    });
    void this.open();
    return this;
  }

  stop(): void {
    this.finish('stopped');
  }

  private every(ms: number, fn: () => void): void {
    const tick = () => {
      if (this.finished) return;
      fn();
      if (!this.finished) this.later(ms, tick);
    };
    this.later(ms, tick);
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private finish(end: KeepAliveEnd | { error: unknown }): void {
    if (this.finished) return;
    this.finished = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const stream = this.stream;
    this.stream = undefined;
    stream?.cancel();
    if (typeof end === 'string') this.resolve(end);
    else this.reject(end.error);
  }

  private async open(): Promise<void> {
    if (this.finished) return;
    let stream: EtcdStream;
    try {
      stream = await this.client.lease.leaseKeepAlive({ hasleader: 'true' });
    } catch (err) {
      if (this.finished) return;
      if (!this.everOpened) return this.finish({ error: err });
      this.log(`lease keep-alive: cannot open a new stream (${(err as Error).message}); retrying`);
      this.later(this.timings.retryMs, () => void this.open());
      return;
    }
    if (this.finished) {
      stream.cancel();
      return;
    }
    this.everOpened = true;
    this.stream = stream;
    stream.on('message', (reply: Reply<LeaseKeepAliveResponse>) => this.received(stream, reply));
    stream.on('end', (err?: GrpcError) => this.broken(stream, err));
    this.sendLoop(stream);
  }

  /** Sends a renewal whenever one is due, on a fixed tick, while this stream is the current one. */
  private sendLoop(stream: EtcdStream): void {
    if (this.finished || this.stream !== stream) return;
    const now = Date.now();
    if (this.awaitingSince !== 0 && now - this.awaitingSince > Math.max(1000, this.ttlMs / 3)) {
      this.broken(stream, new GrpcError(Status.UNAVAILABLE, 'no answer to a renewal'));
      stream.cancel();
      return;
    }
    if (this.nextKeepAlive < now) {
      stream.send({ ID: this.id });
      if (this.awaitingSince === 0) this.awaitingSince = now;
    }
    this.later(this.timings.sendTickMs, () => this.sendLoop(stream));
  }

  private received(stream: EtcdStream, reply: Reply<LeaseKeepAliveResponse>): void {
    if (this.finished || this.stream !== stream || reply.msg.ID !== this.id) return;
    this.awaitingSince = 0;
    const ttl = reply.msg.TTL;
    if (ttl <= 0n) return this.finish('gone');
    const now = Date.now();
    const ttlMs = Number(ttl) * 1000;
    this.ttlMs = ttlMs;
    this.nextKeepAlive = now + ttlMs / 3;
    this.deadline = now + ttlMs;
    try {
      this.onResponse(reply);
    } catch (err) {
      this.finish({ error: err });
    }
  }

  /** The stream ended without our asking: start over on a fresh connection. */
  private broken(stream: EtcdStream, err: GrpcError | undefined): void {
    if (this.finished || this.stream !== stream) return;
    this.stream = undefined;
    this.awaitingSince = 0;
    this.log(`lease keep-alive: stream ended (${err ? err.details : 'closed by the server'}); reconnecting`);
    // Drop the connection so that the next stream goes to the next endpoint that
    // answers (a member that lost its leader keeps refusing).
    this.client.close();
    this.later(this.timings.retryMs, () => void this.open());
  }
}

/**
 * One renewal (etcdctl's `--once`): the first response of a fresh stream.
 * Retries while the failure is one Go's client retries (Unavailable,
 * Internal), on the next endpoint, until `timeoutMs` has passed.
 */
export async function keepAliveOnce(client: EtcdClient, id: bigint, timeoutMs: number): Promise<Reply<LeaseKeepAliveResponse>> {
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new GrpcError(Status.DEADLINE_EXCEEDED, 'context deadline exceeded');
    try {
      return await renewOnce(client, id, remaining);
    } catch (err) {
      const retry = err instanceof GrpcError && (err.status === Status.UNAVAILABLE || err.status === Status.INTERNAL);
      if (!retry) throw err;
      client.close();
      await new Promise((r) => setTimeout(r, Math.min(100, Math.max(0, deadline - Date.now()))));
    }
  }
}

function renewOnce(client: EtcdClient, id: bigint, timeoutMs: number): Promise<Reply<LeaseKeepAliveResponse>> {
  return client.lease.leaseKeepAlive().then(
    (stream) =>
      new Promise<Reply<LeaseKeepAliveResponse>>((resolve, reject) => {
        const timer = Number.isFinite(timeoutMs)
          ? setTimeout(() => {
              reject(new GrpcError(Status.DEADLINE_EXCEEDED, 'context deadline exceeded'));
              stream.cancel();
            }, timeoutMs)
          : undefined;
        stream.once('message', (reply: Reply<LeaseKeepAliveResponse>) => {
          clearTimeout(timer);
          resolve(reply);
          stream.cancel();
        });
        stream.once('end', (err?: GrpcError) => {
          clearTimeout(timer);
          reject(err ?? new GrpcError(Status.UNAVAILABLE, 'stream closed before the response'));
        });
        stream.send({ ID: id });
      }),
  );
}
