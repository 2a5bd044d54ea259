/**
 * make-mirror: copies every key under --prefix to another cluster, then keeps
 * following the changes, printing the running count every 30 seconds.
 */
import type { CommandDef, Context } from '../src/cli/types.js';
import { badArgs, EtcdctlError } from '../src/errors.js';
import { applyRangeFlags, keyBytes, prefixEnd } from '../src/keys.js';
import type { EtcdClient, Reply } from '../src/client/client.js';
import type { RangeResponse, WatchResponse } from '../src/proto/types.gen.js';
import { Event_EventType } from '../src/proto/types.gen.js';

const BATCH = 1000n;

/** etcdctl's key rewrite: the first occurrence of the source prefix becomes the destination prefix. */
export function rewriteKey(key: Buffer, from: Buffer, to: Buffer): Buffer {
  const at = key.indexOf(from);
  if (at < 0) return key;
  return Buffer.concat([key.subarray(0, at), to, key.subarray(at + from.length)]);
}

/** A watch response's events as destination txns: one per revision, at most `maxOps` operations each. */
export function txnsFor(events: WatchResponse['events'], rewrite: (k: Buffer) => Buffer, maxOps: number): object[][] {
  const txns: object[][] = [];
  let ops: object[] = [];
  let lastRev = 0n;
  for (const ev of events) {
    const rev = ev.kv?.mod_revision ?? 0n;
    if ((lastRev !== 0n && rev > lastRev) || (maxOps > 0 && ops.length >= maxOps)) {
      txns.push(ops);
      ops = [];
    }
    lastRev = rev;
    const key = rewrite(ev.kv?.key ?? Buffer.alloc(0));
    ops.push(ev.type === Event_EventType.DELETE ? { request_delete_range: { key } } : { request_put: { key, value: ev.kv?.value ?? Buffer.alloc(0) } });
  }
  if (ops.length) txns.push(ops);
  return txns;
}

async function runMirror(ctx: Context): Promise<void> {
  if (ctx.args.length !== 1) throw badArgs('make-mirror takes one destination argument');
  const prefix = String(ctx.flags.prefix);
  let destPrefix = String(ctx.flags['dest-prefix']);
  const noDestPrefix = ctx.flags['no-dest-prefix'] === true;
  if (noDestPrefix && destPrefix !== '') {
    throw badArgs('`--dest-prefix` and `--no-dest-prefix` cannot be set at the same time, choose one');
  }
  if (!noDestPrefix && destPrefix === '') destPrefix = prefix;
  const maxOps = Number(ctx.flags['max-txn-ops']);
  const text = ctx.text();

  const dest = await ctx.clientWith(
    {
      endpoints: [ctx.args[0]],
      cert: String(ctx.flags['dest-cert']),
      key: String(ctx.flags['dest-key']),
      cacert: String(ctx.flags['dest-cacert']),
      insecureTransport: ctx.flags['dest-insecure-transport'] === true,
      user: String(ctx.flags['dest-user']),
      password: String(ctx.flags['dest-password']),
    },
    'Destination Password: ',
  );
  const source = await ctx.client();
  const from = keyBytes(prefix);
  const to = keyBytes(destPrefix);
  const rewrite = (k: Buffer) => rewriteKey(k, from, to);

  let total = 0;
  const ticker = setInterval(() => text.report(String(total)), 30_000);
  try {
    await mirror(ctx, source, dest, prefix, rewrite, maxOps, () => total++);
  } finally {
    clearInterval(ticker);
  }
}

async function mirror(
  ctx: Context,
  source: EtcdClient,
  dest: EtcdClient,
  prefix: string,
  rewrite: (k: Buffer) => Buffer,
  maxOps: number,
  count: () => void,
): Promise<void> {
  // The revision to copy at: --rev, or now.
  let rev = ctx.flags.rev as bigint;
  const startFromRev = rev > 0n;
  if (!startFromRev) rev = (await source.kv.range({ key: keyBytes(prefix === '' ? 'foo' : prefix) })).msg.header?.revision ?? 0n;
  const { key: first, rangeEnd } = prefix === '' ? applyRangeFlags(Buffer.alloc(0), Buffer.alloc(0), false, true) : { key: keyBytes(prefix), rangeEnd: prefixEnd(keyBytes(prefix)) };
  if (!startFromRev) {
    let key = first;
    for (;;) {
      const r: Reply<RangeResponse> = await source.kv.range({ key, range_end: rangeEnd, limit: BATCH, revision: rev });
      for (const kv of r.msg.kvs) {
        await dest.kv.put({ key: rewrite(kv.key), value: kv.value });
        count();
      }
      if (!r.msg.more) break;
      key = Buffer.concat([r.msg.kvs[r.msg.kvs.length - 1].key, Buffer.from([0])]);
    }
  }
  const { WatchSession } = await import('../src/client/watcher.js');
  const session = new WatchSession(source, source.config.log);
  await session.start();
  try {
    await new Promise<void>((resolve, reject) => {
      let chain = Promise.resolve();
      session.on('response', (w: Reply<WatchResponse>) => {
        chain = chain
          .then(async () => {
            if (w.msg.compact_revision !== 0n) throw new EtcdctlError('etcdserver: mvcc: required revision has been compacted');
            for (const ops of txnsFor(w.msg.events, rewrite, maxOps)) {
              await dest.kv.txn({ success: ops });
              for (let i = 0; i < ops.length; i++) count();
            }
          })
          .catch(reject);
      });
      session.on('end', (err) => chain.then(() => (err ? reject(err) : resolve()), reject));
      session.add({ key: first, range_end: rangeEnd, start_revision: startFromRev ? rev : rev + 1n });
    });
  } finally {
    session.close();
  }
  // etcdctl ends this way when the watch closes without an error.
  throw new EtcdctlError('<nil>');
}

export const mirrorCommand: CommandDef = {
  name: 'make-mirror',
  use: 'make-mirror [options] <destination>',
  short: 'Makes a mirror at the destination etcd cluster',
  flags: [
    { name: 'prefix', type: 'string', default: '', usage: 'Key-value prefix to mirror' },
    { name: 'dest-prefix', type: 'string', default: '', usage: 'destination prefix to mirror a prefix to a different prefix in the destination cluster' },
    { name: 'no-dest-prefix', type: 'bool', default: false, usage: 'mirror key-values to the root of the destination cluster' },
    { name: 'dest-cert', type: 'string', default: '', usage: 'Identify secure client using this TLS certificate file for the destination cluster' },
    { name: 'dest-key', type: 'string', default: '', usage: 'Identify secure client using this TLS key file' },
    { name: 'dest-cacert', type: 'string', default: '', usage: 'Verify certificates of TLS enabled secure servers using this CA bundle' },
    { name: 'dest-insecure-transport', type: 'bool', default: true, usage: 'Disable transport security for client connections' },
    { name: 'dest-user', type: 'string', default: '', usage: 'Destination username[:password] for authentication (prompt if password is not supplied)' },
    { name: 'dest-password', type: 'string', default: '', usage: 'Destination password for authentication (if this option is used, --user option shouldn\'t include password)' },
    { name: 'max-txn-ops', type: 'int', default: 128, usage: 'Maximum number of operations permitted in a transaction during syncing updates.' },
    { name: 'rev', type: 'int64', default: 0n, usage: 'Specify the kv revision to start to mirror' },
  ],
  run: runMirror,
};
