/** Entry point: runs one etcdutl-ts invocation in this process. */
import { run } from './cli/main.js';
import { loadPrinters } from './cli/context.js';
import { recoverRawArgs } from './cli/rawargs.js';
import { etcdutlRoot } from '../commands/etcdutl.js';

export async function main(argv: string[]): Promise<number> {
  await loadPrinters();
  return run({
    root: etcdutlRoot(),
    argv: recoverRawArgs(argv),
    env: process.env,
    io: {
      stdout: process.stdout,
      stderr: process.stderr,
      get stdin() {
        return process.stdin;
      },
    },
  });
}
