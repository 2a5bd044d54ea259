/** txn: compares and requests read from stdin (see src/txn/grammar.ts). */
import type { CommandDef, Context } from '../src/cli/types.js';
import { badArgs, EtcdctlError, ExitCode } from '../src/errors.js';
import { argify, parseCompare, readSection, type Compare } from '../src/txn/grammar.js';
import { parseCommandLine } from '../src/cli/main.js';
import { LineReader } from '../src/stdin.js';
import { delCommand, delRequest, getCommand, getOptions, putCommand, putOptions, putRequest } from './kv.js';

const REQUEST_COMMANDS = [putCommand, getCommand, delCommand];

/** One request line → a RequestOp. Validation errors keep the stand-alone command's message and exit code. */
export async function parseRequestOp(line: string): Promise<object> {
  const tokens = argify(line);
  // etcdctl words this one "compare request" although it is a request line.
  if (tokens.length < 2) throw new EtcdctlError(`invalid txn compare request: ${line}`, ExitCode.InvalidInput);
  const parsed = parseCommandLine(REQUEST_COMMANDS, tokens);
  if (!parsed) throw new EtcdctlError(`invalid txn request: ${line}`, ExitCode.InvalidInput);
  const { def, args, flags } = parsed;
  if (def.name === 'put') {
    // Inside a txn, stdin holds the txn itself, so a value must be an argument.
    const opts = await putOptions(args, flags, async () => Buffer.alloc(0));
    return { request_put: putRequest(opts) };
  }
  if (def.name === 'get') return { request_range: getOptions(args, flags).request };
  return { request_delete_range: delRequest(args, flags) };
}

export interface TxnInput {
  compares: Compare[];
  success: object[];
  failure: object[];
}

/** Reads and validates the whole txn before anything is sent, printing prompts with -i. */
export async function readTxn(next: () => Promise<string | undefined>, prompt: (text: string) => void): Promise<TxnInput> {
  prompt('compares:');
  const compares = (await readSection(next)).map(parseCompare);
  prompt('success requests (get, put, del):');
  const success = await Promise.all((await readSection(next)).map(parseRequestOp));
  prompt('failure requests (get, put, del):');
  const failure = await Promise.all((await readSection(next)).map(parseRequestOp));
  return { compares, success, failure };
}

async function runTxn(ctx: Context): Promise<void> {
  if (ctx.args.length !== 0) throw badArgs('txn command does not accept argument');
  const printer = ctx.printer();
  const interactive = ctx.flags.interactive === true;
  const text = ctx.text();
  const reader = new LineReader(ctx.io.stdin);
  const txn = await readTxn(() => reader.next(), (p) => {
    if (interactive) text.prompt(p);
  });
  const client = await ctx.client();
  const request = { compare: txn.compares, success: txn.success, failure: txn.failure };
  const reply = await client.request('KV.Txn', request);
  printer.txn(reply);
}

export const txnCommand: CommandDef = {
  name: 'txn',
  use: 'txn [options]',
  short: 'Txn processes all the requests in one transaction',
  flags: [{ name: 'interactive', short: 'i', type: 'bool', default: false, usage: 'Input transaction in interactive mode' }],
  run: runTxn,
};
