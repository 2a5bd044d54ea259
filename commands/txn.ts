/** txn: compares and requests read from stdin (see src/txn/grammar.ts). */
import type { CommandDef, Context } from '../src/cli/types.js';
import { badArgs, EtcdctlError, ExitCode } from '../src/errors.js';
import { argify, parseCompare, readSection, type Compare } from '../src/txn/grammar.js';
import { parseCommandLine } from '../src/cli/args.js';
import { TxnReader } from '../src/txn/reader.js';
import { delCommand, delRequest, getCommand, getOptions, putCommand, putOptions, putRequest } from './kv.js';

const REQUEST_COMMANDS = [putCommand, getCommand, delCommand];

/**
 * One request line → a RequestOp. Validation errors keep the stand-alone
 * command's message and exit code. A put without a value takes it from
 * `stdin` (the input bufio has not read yet, to its end), as etcdctl's put does.
 */
export async function parseRequestOp(line: string, stdin: () => Promise<Buffer> = async () => Buffer.alloc(0)): Promise<object> {
  const tokens = argify(line);
  // etcdctl words this one "compare request" although it is a request line.
  if (tokens.length < 2) throw new EtcdctlError(`invalid txn compare request: ${line}`, ExitCode.InvalidInput);
  const parsed = parseCommandLine(REQUEST_COMMANDS, tokens);
  if (!parsed) throw new EtcdctlError(`invalid txn request: ${line}`, ExitCode.InvalidInput);
  const { def, args, flags } = parsed;
  if (def.name === 'put') {
    const opts = await putOptions(args, flags, stdin);
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

/**
 * Reads the txn section by section, printing prompts with -i. Each line is
 * checked as it is read: a bad one ends the command at once, before any more
 * input is awaited (etcdctl's behaviour, which matters with -i at a terminal).
 */
export async function readTxn(reader: Pick<TxnReader, 'next' | 'rest'>, prompt: (text: string) => void): Promise<TxnInput> {
  const next = () => reader.next();
  const request = (line: string) => parseRequestOp(line, () => reader.rest());
  prompt('compares:');
  const compares = await readSection(next, parseCompare);
  prompt('success requests (get, put, del):');
  const success = await readSection(next, request);
  prompt('failure requests (get, put, del):');
  const failure = await readSection(next, request);
  return { compares, success, failure };
}

async function runTxn(ctx: Context): Promise<void> {
  if (ctx.args.length !== 0) throw badArgs('txn command does not accept argument');
  const printer = ctx.printer();
  const interactive = ctx.flags.interactive === true;
  const text = ctx.text();
  // etcdctl creates its client before it reads stdin: errors in the client's
  // configuration (endpoints, TLS files, a failed login with --user) come
  // first. Without --user that does not connect; the Txn call does.
  const client = await ctx.client();
  await client.login();
  const txn = await readTxn(new TxnReader(ctx.io.stdin), (p) => {
    if (interactive) text.prompt(p);
  });
  const request = { compare: txn.compares, success: txn.success, failure: txn.failure };
  const reply = await client.kv.txn(request);
  printer.txn(reply);
}

export const txnCommand: CommandDef = {
  name: 'txn',
  use: 'txn [options]',
  short: 'Txn processes all the requests in one transaction',
  flags: [{ name: 'interactive', short: 'i', type: 'bool', default: false, usage: 'Input transaction in interactive mode' }],
  run: runTxn,
};
