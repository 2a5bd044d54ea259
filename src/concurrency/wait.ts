/** Waiting for keys to go away, the building block of locks and elections. */
import type { EtcdClient, Reply } from '../client/client.js';
import { WatchSession } from '../client/watcher.js';
import { prefixEnd } from '../keys.js';
import type { WatchResponse } from '../proto/types.gen.js';
import { Event_EventType, RangeRequest_SortOrder, RangeRequest_SortTarget } from '../proto/types.gen.js';

/** Rejects when `signal` fires. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new Error('context canceled'));
    signal.addEventListener('abort', () => reject(new Error('context canceled')), { once: true });
  });
}

/** Resolves when `key` is deleted at or after revision `rev`. */
export async function waitDelete(client: EtcdClient, key: Buffer, rev: bigint, signal: AbortSignal): Promise<void> {
  const session = new WatchSession(client, client.config.log);
  await session.start();
  try {
    await Promise.race([
      aborted(signal),
      new Promise<void>((resolve, reject) => {
        session.on('response', (reply: Reply<WatchResponse>) => {
          if (reply.msg.canceled) reject(new Error(reply.msg.cancel_reason || 'lost watcher waiting for delete'));
          if (reply.msg.events.some((e) => e.type === Event_EventType.DELETE)) resolve();
        });
        session.on('end', (err) => reject(err ?? new Error('lost watcher waiting for delete')));
        session.add({ key, start_revision: rev });
      }),
    ]);
  } finally {
    session.close();
  }
}

/**
 * Waits until no key under `prefix` was created at or before `maxCreateRev`:
 * each time, the newest such key is awaited (etcd's waitDeletes).
 */
export async function waitDeletes(client: EtcdClient, prefix: Buffer, maxCreateRev: bigint, signal: AbortSignal): Promise<void> {
  for (;;) {
    if (signal.aborted) throw new Error('context canceled');
    const r = await client.kv.range({
      key: prefix,
      range_end: prefixEnd(prefix),
      sort_order: RangeRequest_SortOrder.DESCEND,
      sort_target: RangeRequest_SortTarget.CREATE,
      limit: 1n,
      max_create_revision: maxCreateRev,
    });
    if (r.msg.kvs.length === 0) return;
    await waitDelete(client, r.msg.kvs[0].key, r.msg.header?.revision ?? 0n, signal);
  }
}
