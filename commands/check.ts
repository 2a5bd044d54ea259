/**
 * check perf and check datascale: real load on the cluster, judged with
 * etcdctl's thresholds.
 */
import { crypto, timersPromises } from '../src/builtins.js';
import type { CommandDef, Context } from '../src/cli/types.js';
import { badFeature, EtcdctlError, ExitCode } from '../src/errors.js';
import { prefixEnd } from '../src/keys.js';
import { goQuote } from '../src/go/quote.js';
import { renderProgress } from '../src/check/progress.js';
import { loadStats, perfVerdict, type RequestResult } from '../src/check/stats.js';
import type { EtcdClient } from '../src/client/client.js';
import { fetchMetrics } from '../src/client/metrics.js';
import type { TextPrinter } from '../src/output/text.js';
import { onInterrupt } from '../src/io/interrupts.js';

const LOAD_ALIASES: Record<string, string> = { s: 's', small: 's', m: 'm', medium: 'm', l: 'l', large: 'l', xl: 'xl', xLarge: 'xl' };

/** Writes per second, clients (connections) and seconds of each check perf load. */
export const PERF_LOADS: Record<string, { limit: number; clients: number; duration: number }> = {
  s: { limit: 150, clients: 50, duration: 60 },
  m: { limit: 1000, clients: 200, duration: 60 },
  l: { limit: 8000, clients: 500, duration: 60 },
  xl: { limit: 15000, clients: 1000, duration: 60 },
};

/** Keys written and clients of each check datascale load (512-byte keys, 512-byte values). */
export const DATASCALE_LOADS: Record<string, { limit: number; kvSize: number; clients: number }> = {
  s: { limit: 10000, kvSize: 1024, clients: 50 },
  m: { limit: 100000, kvSize: 1024, clients: 200 },
  l: { limit: 1000000, kvSize: 1024, clients: 500 },
  xl: { limit: 3000000, kvSize: 1024, clients: 1000 },
};

export function loadModel(load: string): string {
  const model = LOAD_ALIASES[load];
  if (model === undefined) throw badFeature(`unknown load option ${load}`);
  return model;
}

/**
 * etcdctl's keys: a random non-negative 63-bit number as a zig-zag varint at
 * the start of a reused zero-filled buffer of `size` bytes.
 */
export function keyMaker(prefix: string, size: number): () => Buffer {
  const buf = Buffer.alloc(size);
  const head = Buffer.from(prefix, 'utf8');
  return () => {
    let v = (crypto().randomBytes(8).readBigUInt64BE() >> 1n) << 1n; // zig-zag of a non-negative number
    let i = 0;
    while (v >= 0x80n) {
      buf[i++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    buf[i] = Number(v);
    return Buffer.concat([head, buf]);
  };
}

/** A bounded queue between the producer and the client workers. */
class OpQueue<T> {
  private items: T[] = [];
  private takers: Array<(v: T | undefined) => void> = [];
  private closed = false;
  constructor(readonly capacity: number) {}

  get full(): boolean {
    return this.items.length >= this.capacity;
  }

  push(v: T): void {
    const taker = this.takers.shift();
    if (taker) taker(v);
    else this.items.push(v);
  }

  take(): Promise<T | undefined> {
    if (this.items.length) return Promise.resolve(this.items.shift());
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.takers.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const t of this.takers.splice(0)) t(undefined);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs ops through the workers; returns every request's result. */
async function runWorkers(
  clients: EtcdClient[],
  queue: OpQueue<object>,
  onDone: () => void,
): Promise<RequestResult[]> {
  const results: RequestResult[] = [];
  await Promise.all(
    clients.map(async (c) => {
      for (let op = await queue.take(); op !== undefined; op = await queue.take()) {
        const t0 = process.hrtime.bigint();
        let error: string | undefined;
        try {
          await c.kv.put(op, { timeoutNs: 0 });
        } catch (err) {
          error = (err as Error).message;
        }
        results.push({ error, seconds: Number(process.hrtime.bigint() - t0) / 1e9 });
        onDone();
      }
    }),
  );
  return results;
}

/**
 * The progress bar of a run, redrawn like etcdctl's: once at the start, then
 * 200 ms after each drawing whether or not the count moved. A drawing that
 * finds the count moved records that moment as the time of the last change,
 * from which the time left is estimated (and counts down between steps).
 */
function progressBar(text: TextPrinter, total: number, width: number) {
  const started = performance.now();
  let current = 0;
  let seen = 0;
  let changedMs = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = (finished: boolean) => {
    const elapsedMs = performance.now() - started;
    if (!finished && current !== seen) {
      seen = current;
      changedMs = elapsedMs;
    }
    text.progress(renderProgress({ current, total, elapsedMs, changedMs, finished, width }));
  };
  const refresh = () => {
    draw(false);
    timer = setTimeout(refresh, 200);
  };
  refresh();
  return {
    add(n = 1) {
      current += n;
    },
    finish() {
      clearTimeout(timer);
      draw(true);
      text.progressDone();
    },
    /** Stops redrawing, leaving the line as it is: no final drawing, no line end. */
    abandon() {
      clearTimeout(timer);
    },
  };
}

function terminalWidth(ctx: Context): number {
  const out = process.stdout;
  return ctx.io.stdout === out && out.isTTY ? out.columns ?? 0 : 0;
}

async function makeClients(ctx: Context, n: number): Promise<EtcdClient[]> {
  const clients: EtcdClient[] = [];
  for (let i = 0; i < n; i++) clients.push(await ctx.newClient());
  return clients;
}

async function refuseUsedPrefix(client: EtcdClient, prefix: string, hint: string): Promise<void> {
  const key = Buffer.from(prefix, 'utf8');
  const got = await client.kv.range({ key, range_end: prefixEnd(key), limit: 1 });
  if (got.msg.kvs.length > 0) {
    throw new EtcdctlError(`prefix ${goQuote(prefix)} has keys. Delete with ${hint} first`, ExitCode.InvalidInput);
  }
}

async function compactAndDefrag(ctx: Context, client: EtcdClient, revision: bigint | undefined): Promise<void> {
  const text = ctx.text();
  const timeoutNs = 30e9;
  if (ctx.flags['auto-compact'] === true && revision !== undefined) {
    text.report(`Compacting with revision ${revision}`);
    await client.kv.compact({ revision, physical: true }, { timeoutNs });
    text.report(`Compacted with revision ${revision}`);
  }
  if (ctx.flags['auto-defrag'] === true) {
    for (const ep of ctx.globals.endpoints.map((e) => e.trim())) {
      text.report(`Defragmenting ${goQuote(ep)}`);
      await (await ctx.clientFor(ep)).maintenance.defragment({}, { timeoutNs });
      text.report(`Defragmented ${goQuote(ep)}`);
    }
  }
}

async function runPerf(ctx: Context): Promise<void> {
  const cfg = PERF_LOADS[loadModel(String(ctx.flags.load))];
  const prefix = String(ctx.flags.prefix);
  const text = ctx.text();
  const clients = await makeClients(ctx, cfg.clients);
  await refuseUsedPrefix(clients[0], prefix, `'etcdctl del --prefix ${prefix}'`);

  const prefixKey = Buffer.from(prefix, 'utf8');
  const cleanup = async (): Promise<bigint | undefined> => {
    try {
      const r = await clients[0].kv.deleteRange({ key: prefixKey, range_end: prefixEnd(prefixKey) }, { timeoutNs: 30e9 });
      return r.msg.header?.revision;
    } catch (err) {
      text.report(`FAIL: Cleanup failed during key deletion: ERROR(${(err as Error).message})`);
      return undefined;
    }
  };

  const queue = new OpQueue<object>(cfg.clients);
  const value = Buffer.alloc(1024);
  const nextKey = keyMaker(prefix, 256);
  const bar = progressBar(text, cfg.duration, terminalWidth(ctx));
  let stopped = false;
  const interrupt = new AbortController();
  // Ctrl-C (SIGINT only: etcdctl 3.5 leaves SIGTERM to kill it) ends the load
  // early; the keys written so far are removed and the report printed for the
  // writes done. etcdctl never finishes its progress bar then: the report
  // follows the last drawing on the same line.
  const stopListening = onInterrupt(['SIGINT'], () => {
    stopped = true;
    bar.abandon();
    interrupt.abort();
  }, { once: true });

  const started = Date.now();
  const producer = (async () => {
    let issued = 0;
    const end = started + cfg.duration * 1000;
    while (!stopped && Date.now() < end) {
      // Token bucket at cfg.limit writes per second; a full queue holds the producer back.
      const allowed = Math.floor(((Date.now() - started) / 1000) * cfg.limit) + 1;
      while (issued < allowed && !queue.full) {
        queue.push({ key: nextKey(), value });
        issued++;
      }
      await sleep(Math.max(1, Math.min(20, 1000 / cfg.limit)));
    }
    queue.close();
  })();
  const ticker = (async () => {
    for (let i = 0; i < cfg.duration && !stopped; i++) {
      // A second's sleep that Ctrl-C cuts short.
      await timersPromises().setTimeout(1000, undefined, { signal: interrupt.signal }).catch(() => {});
      if (interrupt.signal.aborted) break;
      bar.add(1);
    }
    if (!interrupt.signal.aborted) bar.finish();
  })();
  const workers = runWorkers(clients, queue, () => {});
  await producer;
  const results = await workers;
  const totalSeconds = (Date.now() - started) / 1000;
  stopped = true;
  await ticker;
  stopListening();

  const revision = await cleanup();
  await compactAndDefrag(ctx, clients[0], revision);
  const verdict = perfVerdict(loadStats(results, totalSeconds), cfg.limit);
  for (const line of verdict.lines) text.report(line);
  if (!verdict.ok) throw new EtcdctlError('', ExitCode.Error, [], true);
}

/** process_resident_memory_bytes of the first endpoint, from its /metrics; 0 (after saying why) when unreadable. */
async function residentMemory(ctx: Context, text: TextPrinter): Promise<number> {
  let body: string;
  try {
    body = await fetchMetrics(ctx.globals.endpoints[0], ctx.globals);
  } catch (err) {
    text.report(`fetch error: ${(err as Error).message}`);
    return 0;
  }
  const line = body.split('\n').find((l) => l.startsWith('process_resident_memory_bytes'));
  if (!line) {
    text.report('could not find: process_resident_memory_bytes');
    return 0;
  }
  const value = Number(line.slice('process_resident_memory_bytes'.length).trim());
  if (!Number.isFinite(value)) {
    text.report(`parse error: ${line}`);
    return 0;
  }
  return value;
}

async function runDatascale(ctx: Context): Promise<void> {
  const cfg = DATASCALE_LOADS[loadModel(String(ctx.flags.load))];
  const prefix = String(ctx.flags.prefix);
  const text = ctx.text();
  const clients = await makeClients(ctx, cfg.clients);
  await refuseUsedPrefix(clients[0], prefix, `etcdctl del --prefix ${prefix}`);

  const before = await residentMemory(ctx, text);
  if (before === 0) {
    text.report('FAIL: Could not read process_resident_memory_bytes before the put operations.');
    throw new EtcdctlError('', ExitCode.Error, [], true);
  }
  text.report(`Start data scale check for work load [${cfg.limit} key-value pairs, ${cfg.kvSize} bytes per key-value, ${cfg.clients} concurrent clients].`);
  const bar = progressBar(text, cfg.limit, terminalWidth(ctx));
  const queue = new OpQueue<object>(cfg.clients);
  const value = Buffer.alloc(512);
  const nextKey = keyMaker(prefix, 512);
  const workers = runWorkers(clients, queue, () => bar.add(1));
  for (let i = 0; i < cfg.limit; i++) {
    while (queue.full) await sleep(1);
    queue.push({ key: nextKey(), value });
  }
  queue.close();
  const results = await workers;
  bar.finish();
  const stats = loadStats(results, 1);

  const after = await residentMemory(ctx, text);
  if (after === 0) {
    text.report('FAIL: Could not read process_resident_memory_bytes after the put operations.');
    throw new EtcdctlError('', ExitCode.Error, [], true);
  }
  const prefixKey = Buffer.from(prefix, 'utf8');
  const deleted = await clients[0].kv.deleteRange({ key: prefixKey, range_end: prefixEnd(prefixKey) });
  await compactAndDefrag(ctx, clients[0], deleted.msg.header?.revision);
  if (stats.errors.size > 0) {
    text.report('FAIL: too many errors');
    for (const [err, n] of stats.errors) text.report(`FAIL: ERROR(${err}) -> ${n}`);
    throw new EtcdctlError('', ExitCode.Error, [], true);
  }
  text.report(`PASS: Approximate system memory used : ${((after - before) / (1024 * 1024)).toFixed(2)} MB.`);
}

const FLAGS = (what: string, prefix: string) => [
  { name: 'load', type: 'string' as const, default: 's', usage: `The ${what} check's workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)` },
  { name: 'prefix', type: 'string' as const, default: prefix, usage: `The prefix for writing the ${what} check's keys.` },
  { name: 'auto-compact', type: 'bool' as const, default: false, usage: 'Compact storage with last revision after test is finished.' },
  { name: 'auto-defrag', type: 'bool' as const, default: false, usage: 'Defragment storage after test is finished.' },
];

export const checkCommand: CommandDef = {
  name: 'check',
  use: 'check <subcommand>',
  short: 'commands for checking properties of the etcd cluster',
  subcommands: [
    { name: 'perf', use: 'perf [options]', short: 'Check the performance of the etcd cluster', flags: FLAGS('performance', '/etcdctl-check-perf/'), run: runPerf },
    {
      name: 'datascale',
      use: 'datascale [options]',
      short: 'Check the memory usage of holding data for different workloads on a given server endpoint.',
      long: 'If no endpoint is provided, localhost will be used. If multiple endpoints are provided, first endpoint will be used.',
      flags: FLAGS('datascale', '/etcdctl-check-datascale/'),
      run: runDatascale,
    },
  ],
};
