// Runs one command line through the CLI's own run() in this process, with captured streams:
// what bin/etcdctl-ts.js does after loading the bundle, without starting a process (for the
// tests that sweep every command, where a process per case is most of their time).
import { PassThrough } from 'node:stream';
import { run } from '../../src/cli/main.js';
import { loadPrinters } from '../../src/cli/context.js';
import { rootCommand } from '../../commands/index.js';
import { cleanEnv } from './run.js';

export interface InProcessResult {
  stdout: Buffer;
  stderr: Buffer;
  code: number;
}

// One tree for every run, as a process has (the commands' definitions are shared objects,
// linked to the root they are run under).
let root: ReturnType<typeof rootCommand> | undefined;

export async function runInProcess(args: string[], env?: Record<string, string | undefined>): Promise<InProcessResult> {
  await loadPrinters();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (into: Buffer[]) => ({ write: (chunk: string | Uint8Array) => void into.push(Buffer.from(chunk)) });
  const stdin = new PassThrough();
  stdin.end();
  const code = await run({ root: (root ??= rootCommand()), argv: args, env: cleanEnv(env), io: { stdout: sink(out), stderr: sink(err), stdin } });
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err), code };
}
