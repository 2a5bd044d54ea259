/**
 * etcdctl's elect: candidates put `<name>/<lease in hex>` with their proposal;
 * the lowest create revision is the leader (etcd's Go client
 * concurrency.Election, so both tools take part in the same elections).
 */
import type { EtcdClient, Reply } from '../client/client.js';
import type { KeyValue, RangeResponse, WatchResponse } from '../proto/types.gen.js';
import { WatchSession } from '../client/watcher.js';
import { keyBytes, prefixEnd } from '../keys.js';
import { encodeMessage } from '../proto/registry.js';
import type { Session } from './session.js';
import { waitDeletes } from './wait.js';
import { Compare_CompareResult, Compare_CompareTarget, Event_EventType, RangeRequest_SortOrder, RangeRequest_SortTarget } from '../proto/types.gen.js';

export class Election {
  readonly prefix: Buffer;
  private leaderKey: Buffer | undefined;
  private leaderRev = 0n;

  constructor(
    private readonly client: EtcdClient,
    private readonly session: Session,
    name: string,
  ) {
    this.prefix = Buffer.concat([keyBytes(name), Buffer.from('/')]);
  }

  get key(): Buffer {
    return this.leaderKey ?? Buffer.alloc(0);
  }

  /** Becomes leader (waiting for earlier candidates to go); withdraws if the signal aborts first. */
  async campaign(value: Buffer, signal: AbortSignal): Promise<void> {
    const key = Buffer.concat([this.prefix, Buffer.from(this.session.lease.toString(16))]);
    const txn = await this.client.kv.txn({
      compare: [{ result: Compare_CompareResult.EQUAL, target: Compare_CompareTarget.CREATE, key, create_revision: 0n }],
      success: [{ request_put: { key, value, lease: this.session.lease } }],
      failure: [{ request_range: { key } }],
    });
    this.leaderKey = key;
    this.leaderRev = txn.msg.header?.revision ?? 0n;
    if (!txn.msg.succeeded) {
      const kv = txn.msg.responses[0].response_range!.kvs[0];
      this.leaderRev = kv.create_revision;
      if (!kv.value.equals(value)) await this.proclaim(value);
    }
    try {
      await waitDeletes(this.client, this.prefix, this.leaderRev - 1n, signal);
    } catch (err) {
      if (signal.aborted) await this.resign().catch(() => undefined);
      throw err;
    }
  }

  /** Changes the value of our candidacy, while it is still ours. */
  async proclaim(value: Buffer): Promise<void> {
    const key = this.key;
    const txn = await this.client.kv.txn({
      compare: [{ result: Compare_CompareResult.EQUAL, target: Compare_CompareTarget.CREATE, key, create_revision: this.leaderRev }],
      success: [{ request_put: { key, value, lease: this.session.lease } }],
    });
    if (!txn.msg.succeeded) throw new Error('election: not leader');
  }

  async resign(): Promise<void> {
    if (!this.leaderKey) return;
    await this.client.kv.txn({
      compare: [{ result: Compare_CompareResult.EQUAL, target: Compare_CompareTarget.CREATE, key: this.leaderKey, create_revision: this.leaderRev }],
      success: [{ request_delete_range: { key: this.leaderKey } }],
    });
    this.leaderKey = undefined;
  }

  /**
   * Reports the leader, then every change of leader or of its value, until
   * the signal aborts. Each report is a RangeResponse of the leader's key.
   */
  async observe(signal: AbortSignal, report: (r: Reply<RangeResponse>) => void): Promise<void> {
    // What etcd's Go client hands out: first a response built around the leader's
    // key (count 0), then, for each change, the first Get's response with the
    // watched header and key put in.
    const asReply = (base: RangeResponse, header: RangeResponse['header'], kv: KeyValue): Reply<RangeResponse> => {
      const msg: RangeResponse = { ...base, header, kvs: [kv] };
      return { msg, raw: encodeMessage('etcdserverpb.RangeResponse', msg), type: 'etcdserverpb.RangeResponse' };
    };
    while (!signal.aborted) {
      const first = await this.client.kv.range({
        key: this.prefix,
        range_end: prefixEnd(this.prefix),
        sort_order: RangeRequest_SortOrder.ASCEND,
        sort_target: RangeRequest_SortTarget.CREATE,
        limit: 1n,
      });
      let header = first.msg.header;
      let kv = first.msg.kvs[0];
      const base: RangeResponse = { ...first.msg };
      if (!kv) {
        // Nobody leads: wait for the first candidate.
        const found = await this.watchUntil({ key: this.prefix, range_end: prefixEnd(this.prefix), start_revision: header?.revision ?? 0n }, signal, (w) => {
          const put = w.msg.events.find((e) => e.type === Event_EventType.PUT);
          return put?.kv ? { header: { ...(w.msg.header ?? header!), revision: put.kv.mod_revision }, kv: put.kv } : undefined;
        });
        if (!found) return;
        ({ header, kv } = found);
      }
      report(asReply({ ...base, count: 0n, more: false }, header, kv));
      // Follow this leader's key until it goes.
      const gone = await this.watchUntil({ key: kv.key, start_revision: (header?.revision ?? 0n) + 1n }, signal, (w) => {
        for (const e of w.msg.events) {
          if (e.type === Event_EventType.DELETE) return true;
          if (e.kv) report(asReply(base, w.msg.header, e.kv));
        }
        return undefined;
      });
      if (!gone) return;
    }
  }

  /** Watches until `pick` returns something (or the signal aborts: undefined). */
  private async watchUntil<T>(req: { key: Buffer; range_end?: Buffer; start_revision: bigint }, signal: AbortSignal, pick: (w: Reply<WatchResponse>) => T | undefined): Promise<T | undefined> {
    if (signal.aborted) return undefined;
    const session = new WatchSession(this.client, this.client.config.log);
    await session.start();
    try {
      return await new Promise<T | undefined>((resolve, reject) => {
        // The signal may have fired while the stream was opening.
        if (signal.aborted) return resolve(undefined);
        signal.addEventListener('abort', () => resolve(undefined), { once: true });
        session.on('response', (w: Reply<WatchResponse>) => {
          const got = pick(w);
          if (got !== undefined) resolve(got);
          else if (w.msg.canceled) reject(new Error('elect: observer lost'));
        });
        session.on('end', (err) => reject(err ?? new Error('elect: observer lost')));
        session.add(req);
      });
    } finally {
      session.close();
    }
  }
}
