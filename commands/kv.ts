/** put, get, del and compaction. */
import type { CommandDef, Context } from '../src/cli/types.js';
import { badArgs, badFeature, EtcdctlError, ExitCode } from '../src/errors.js';
import { FlagValueError } from '../src/config/flags.js';
import { applyRangeFlags, keyBytes } from '../src/keys.js';
import { parseDecInt64, parseHexInt64 } from '../src/ids.js';
import { readAll } from '../src/io/stdin.js';
import { decodeValue } from '../src/k8s/decode.js';

// ---- put -------------------------------------------------------------------

export interface PutOptions {
  key: string;
  /** Undefined with --ignore-value. */
  value: Buffer | undefined;
  lease: bigint;
  prevKv: boolean;
  ignoreValue: boolean;
  ignoreLease: boolean;
}

const PUT_ARGS = 'put command needs 1 argument and input from stdin or 2 arguments';

/** Validates put's arguments; `stdin` is read only when the value is not an argument. */
export async function putOptions(
  args: string[],
  flags: Record<string, unknown>,
  stdin: () => Promise<Buffer>,
): Promise<PutOptions> {
  if (args.length === 0) throw badArgs(PUT_ARGS);
  const ignoreValue = flags['ignore-value'] === true;
  if (ignoreValue && args.length > 1) throw badArgs("put command needs only 1 argument when 'ignore-value' is set");
  let value: Buffer | undefined;
  if (!ignoreValue) {
    value = args.length > 1 ? keyBytes(args[1]) : await stdin();
    if (args.length <= 1 && value.length === 0) throw badArgs(PUT_ARGS);
  }
  let lease: bigint;
  try {
    lease = parseHexInt64(String(flags.lease));
  } catch (err) {
    if (err instanceof FlagValueError) throw badArgs(`bad lease ID (${err.message}), expecting ID in Hex`);
    throw err;
  }
  return {
    key: args[0],
    value,
    lease,
    prevKv: flags['prev-kv'] === true,
    ignoreValue,
    ignoreLease: flags['ignore-lease'] === true,
  };
}

/** The PutRequest for these options (also used by txn). */
export function putRequest(o: PutOptions): object {
  return {
    key: keyBytes(o.key),
    value: o.value ?? Buffer.alloc(0),
    lease: o.lease,
    prev_kv: o.prevKv,
    ignore_value: o.ignoreValue,
    ignore_lease: o.ignoreLease,
  };
}

// ---- get -------------------------------------------------------------------

const SORT_ORDERS: Record<string, number> = { '': 0, ASCEND: 1, DESCEND: 2 };
const SORT_TARGETS: Record<string, number> = { '': 0, KEY: 0, VERSION: 1, CREATE: 2, MODIFY: 3, VALUE: 4 };

export interface GetOptions {
  request: Record<string, unknown>;
  printValueOnly: boolean;
  countOnly: boolean;
  /** --decode, unless --keys-only or --count-only leave no values to decode. */
  decode: boolean;
}

/** Validates get's arguments and flags in etcdctl's order and builds the RangeRequest. */
export function getOptions(args: string[], flags: Record<string, any>): GetOptions {
  if (args.length === 0) throw badArgs('get command needs one argument as key and an optional argument as range_end');
  const prefix = flags.prefix === true;
  const fromKey = flags['from-key'] === true;
  if (prefix && fromKey) throw badArgs('`--prefix` and `--from-key` cannot be set at the same time, choose one');
  if (flags['keys-only'] === true && flags['count-only'] === true) {
    throw badArgs('`--keys-only` and `--count-only` cannot be set at the same time, choose one');
  }
  const consistency = String(flags.consistency);
  if (consistency !== 'l' && consistency !== 's') throw badFeature(`unknown consistency flag ${JSON.stringify(consistency)}`);
  let key: Buffer = keyBytes(args[0]);
  let rangeEnd: Buffer = Buffer.alloc(0);
  if (args.length > 1) {
    if (prefix || fromKey) throw badArgs('too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
    rangeEnd = keyBytes(args[1]);
  }
  const order = String(flags.order);
  const sortOrder = SORT_ORDERS[order.toUpperCase()];
  if (sortOrder === undefined) throw badFeature(`bad sort order ${order}`);
  const target = String(flags['sort-by']);
  const sortTarget = SORT_TARGETS[target.toUpperCase()];
  if (sortTarget === undefined) throw badFeature(`bad sort target ${target}`);
  for (const kind of ['create', 'mod'] as const) {
    const min = flags[`min-${kind}-rev`] as bigint;
    const max = flags[`max-${kind}-rev`] as bigint;
    const name = kind === 'create' ? 'CreateRev' : 'ModRev';
    if (max > 0n && min > max) throw badFeature(`getMin${name}(=${min}) > getMax${name}(=${max})`);
  }
  ({ key, rangeEnd } = applyRangeFlags(key, rangeEnd, prefix, fromKey));
  const rev = flags.rev as bigint;
  return {
    request: {
      key,
      range_end: rangeEnd,
      limit: flags.limit as bigint,
      revision: rev > 0n ? rev : 0n,
      // Ascending by key is what the server does anyway, so the client sends "no sort".
      sort_order: sortTarget === 0 && sortOrder === 1 ? 0 : sortOrder,
      sort_target: sortTarget,
      serializable: consistency === 's',
      keys_only: flags['keys-only'] === true,
      count_only: flags['count-only'] === true,
      min_mod_revision: flags['min-mod-rev'] as bigint,
      max_mod_revision: flags['max-mod-rev'] as bigint,
      min_create_revision: flags['min-create-rev'] as bigint,
      max_create_revision: flags['max-create-rev'] as bigint,
    },
    printValueOnly: flags['print-value-only'] === true,
    countOnly: flags['count-only'] === true,
    decode: flags.decode === true && flags['keys-only'] !== true && flags['count-only'] !== true,
  };
}

// ---- del -------------------------------------------------------------------

/** Validates del's arguments and builds the DeleteRangeRequest. */
export function delRequest(args: string[], flags: Record<string, unknown>): Record<string, unknown> {
  if (args.length === 0 || args.length > 2) {
    throw badArgs('del command needs one argument as key and an optional argument as range_end');
  }
  const prefix = flags.prefix === true;
  const fromKey = flags['from-key'] === true;
  if (prefix && fromKey) throw badArgs('`--prefix` and `--from-key` cannot be set at the same time, choose one');
  let key: Buffer = keyBytes(args[0]);
  let rangeEnd: Buffer = Buffer.alloc(0);
  if (args.length > 1) {
    if (prefix || fromKey) throw badArgs('too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
    rangeEnd = keyBytes(args[1]);
  }
  ({ key, rangeEnd } = applyRangeFlags(key, rangeEnd, prefix, fromKey));
  return { key, range_end: rangeEnd, prev_kv: flags['prev-kv'] === true };
}

// ---- the commands ----------------------------------------------------------

async function runPut(ctx: Context): Promise<void> {
  const opts = await putOptions(ctx.args, ctx.flags, () => readAll(ctx.io.stdin));
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.kv.put(putRequest(opts));
  printer.put(reply);
}

async function runGet(ctx: Context): Promise<void> {
  const opts = getOptions(ctx.args, ctx.flags);
  const printer0 = ctx.printer();
  const client = await ctx.client();
  const reply = await client.kv.range(opts.request);
  if (opts.countOnly && ctx.globals.writeOut !== 'fields') {
    throw badArgs('--count-only is only for `--write-out=fields`');
  }
  let printer = printer0;
  if (opts.printValueOnly) {
    if (ctx.globals.writeOut !== 'simple') throw badArgs('print-value-only is only for `--write-out=simple`');
    printer = ctx.printer({ valueOnly: true });
  }
  if (opts.decode) printer.getDecoded(reply, reply.msg.kvs.map((kv) => decodeValue(kv.value)));
  else printer.get(reply);
}

async function runDel(ctx: Context): Promise<void> {
  const request = delRequest(ctx.args, ctx.flags);
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.kv.deleteRange(request);
  printer.del(reply);
}

async function runCompaction(ctx: Context): Promise<void> {
  if (ctx.args.length !== 1) throw badArgs('compaction command needs 1 argument');
  let revision: bigint;
  try {
    revision = parseDecInt64(ctx.args[0]);
  } catch (err) {
    if (err instanceof FlagValueError) throw new EtcdctlError(err.message, ExitCode.Error);
    throw err;
  }
  const client = await ctx.client();
  await client.kv.compact({ revision, physical: ctx.flags.physical === true });
  ctx.text().compaction(revision);
}

const PUT_LONG = `
Puts the given key into the store.

When <value> begins with '-', <value> is interpreted as a flag.
Insert '--' for workaround:

$ put <key> -- <value>
$ put -- <key> <value>

If <value> isn't given as a command line argument and '--ignore-value' is not specified,
this command tries to read the value from standard input.

If <lease> isn't given as a command line argument and '--ignore-lease' is not specified,
this command tries to read the value from standard input.

For example,
$ cat file | put <key>
will store the content of the file to <key>.
`;

export const putCommand: CommandDef = {
  name: 'put',
  use: 'put [options] <key> <value> (<value> can also be given from stdin)',
  short: 'Puts the given key into the store',
  long: PUT_LONG,
  flags: [
    { name: 'lease', type: 'string', default: '0', usage: 'lease ID (in hexadecimal) to attach to the key' },
    { name: 'prev-kv', type: 'bool', default: false, usage: 'return the previous key-value pair before modification' },
    { name: 'ignore-value', type: 'bool', default: false, usage: 'updates the key using its current value' },
    { name: 'ignore-lease', type: 'bool', default: false, usage: 'updates the key using its current lease' },
  ],
  run: runPut,
  rawArgsFrom: 0,
};

export const getCommand: CommandDef = {
  name: 'get',
  use: 'get [options] <key> [range_end]',
  short: 'Gets the key or a range of keys',
  flags: [
    { name: 'consistency', type: 'string', default: 'l', usage: 'Linearizable(l) or Serializable(s)' },
    { name: 'order', type: 'string', default: '', usage: 'Order of results; ASCEND or DESCEND (ASCEND by default)' },
    { name: 'sort-by', type: 'string', default: '', usage: 'Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION' },
    { name: 'limit', type: 'int64', default: 0n, usage: 'Maximum number of results' },
    { name: 'prefix', type: 'bool', default: false, usage: 'Get keys with matching prefix' },
    { name: 'from-key', type: 'bool', default: false, usage: 'Get keys that are greater than or equal to the given key using byte compare' },
    { name: 'rev', type: 'int64', default: 0n, usage: 'Specify the kv revision' },
    { name: 'keys-only', type: 'bool', default: false, usage: 'Get only the keys' },
    { name: 'count-only', type: 'bool', default: false, usage: 'Get only the count' },
    { name: 'print-value-only', type: 'bool', default: false, usage: 'Only write values when using the "simple" output format' },
    { name: 'min-mod-rev', type: 'int64', default: 0n, usage: 'Minimum modification revision' },
    { name: 'max-mod-rev', type: 'int64', default: 0n, usage: 'Maximum modification revision' },
    { name: 'min-create-rev', type: 'int64', default: 0n, usage: 'Minimum create revision' },
    { name: 'max-create-rev', type: 'int64', default: 0n, usage: 'Maximum create revision' },
    { name: 'decode', type: 'bool', default: false, usage: 'Show values readably: Kubernetes objects as YAML-like text (or JSON with -w json), JSON pretty-printed, encrypted values named' },
  ],
  run: runGet,
  rawArgsFrom: 0,
};

export const delCommand: CommandDef = {
  name: 'del',
  use: 'del [options] <key> [range_end]',
  short: 'Removes the specified key or range of keys [key, range_end)',
  flags: [
    { name: 'prefix', type: 'bool', default: false, usage: 'delete keys with matching prefix' },
    { name: 'prev-kv', type: 'bool', default: false, usage: 'return deleted key-value pairs' },
    { name: 'from-key', type: 'bool', default: false, usage: 'delete keys that are greater than or equal to the given key using byte compare' },
    { name: 'range', type: 'bool', default: false, usage: 'delete range of keys' },
  ],
  run: runDel,
  rawArgsFrom: 0,
};

export const compactionCommand: CommandDef = {
  name: 'compaction',
  use: 'compaction [options] <revision>',
  short: 'Compacts the event history in etcd',
  flags: [
    { name: 'physical', type: 'bool', default: false, usage: "'true' to wait for compaction to physically remove all old revisions" },
  ],
  run: runCompaction,
};
