/**
 * etcdctl's lock: a key `<name>/<lease in hex>` on the session's lease; the
 * key with the lowest create revision under `<name>/` holds the lock, the
 * others wait for the deletion of the one just before them (etcd's Go client
 * concurrency.Mutex, so both tools can contend for the same lock).
 */
import type { EtcdClient } from '../client/client.js';
import type { ResponseHeader } from '../proto/types.gen.js';
import { keyBytes, prefixEnd } from '../keys.js';
import type { Session } from './session.js';
import { waitDeletes } from './wait.js';
import { Compare_CompareResult, Compare_CompareTarget, RangeRequest_SortOrder, RangeRequest_SortTarget } from '../proto/types.gen.js';

export class SessionExpiredError extends Error {
  constructor() {
    super('session expired');
  }
}

export class Mutex {
  readonly prefix: Buffer;
  readonly key: Buffer;
  private myRev = -1n;
  /** The header of the response that made us the holder. */
  header: ResponseHeader | null | undefined;

  constructor(
    private readonly client: EtcdClient,
    private readonly session: Session,
    name: string,
  ) {
    this.prefix = Buffer.concat([keyBytes(name), Buffer.from('/')]);
    this.key = Buffer.concat([this.prefix, Buffer.from(session.lease.toString(16))]);
  }

  /** Takes the lock, waiting for earlier holders; with the signal aborted, gives up and withdraws. */
  async lock(signal: AbortSignal): Promise<void> {
    const owner = { request_range: { key: this.prefix, range_end: prefixEnd(this.prefix), sort_order: RangeRequest_SortOrder.ASCEND, sort_target: RangeRequest_SortTarget.CREATE, limit: 1n } };
    const txn = await this.client.kv.txn({
      compare: [{ result: Compare_CompareResult.EQUAL, target: Compare_CompareTarget.CREATE, key: this.key, create_revision: 0n }],
      success: [{ request_put: { key: this.key, value: Buffer.alloc(0), lease: this.session.lease } }, owner],
      failure: [{ request_range: { key: this.key } }, owner],
    });
    this.myRev = txn.msg.header?.revision ?? 0n;
    if (!txn.msg.succeeded) this.myRev = txn.msg.responses[0].response_range!.kvs[0].create_revision;
    const holder = txn.msg.responses[1].response_range!.kvs;
    if (holder.length === 0 || holder[0].create_revision === this.myRev) {
      this.header = txn.msg.header;
      return;
    }
    try {
      await waitDeletes(this.client, this.prefix, this.myRev - 1n, signal);
    } catch (err) {
      await this.unlock().catch(() => undefined);
      throw err;
    }
    const mine = await this.client.kv.range({ key: this.key });
    if (mine.msg.kvs.length === 0) throw new SessionExpiredError();
    this.header = mine.msg.header;
  }

  async unlock(): Promise<void> {
    await this.client.kv.deleteRange({ key: this.key });
  }
}
