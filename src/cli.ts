/** Entry point: runs one etcdctl-ts invocation in this process. */
import { run } from './cli/main.js';
import { loadPrinters } from './cli/context.js';
import { recoverRawArgs } from './cli/rawargs.js';
import { rootCommand } from '../commands/index.js';

export async function main(argv: string[]): Promise<number> {
  await loadPrinters();
  return run({
    root: rootCommand(),
    argv: recoverRawArgs(argv),
    env: process.env,
    io: {
      stdout: process.stdout,
      stderr: process.stderr,
      // Opened on first use: most commands never read stdin, and opening it loads stream code.
      get stdin() {
        return process.stdin;
      },
    },
  });
}
