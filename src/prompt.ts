/** Asking for a password on the terminal without echoing it. */
import type { IO } from './cli/types.js';

/**
 * Prints `prompt` on stdout and reads one line from the terminal with echo
 * off. Without a terminal, reads one line from stdin.
 */
export async function askPassword(prompt: string, io: IO): Promise<string> {
  io.stdout.write(prompt);
  const stdin = io.stdin as NodeJS.ReadStream;
  const raw = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  if (raw) stdin.setRawMode(true);
  try {
    return await new Promise<string>((resolve, reject) => {
      let text = '';
      const onData = (chunk: Buffer | string) => {
        for (const ch of chunk.toString()) {
          if (ch === '\n' || ch === '\r' || ch === '\u0004') return finish();
          if (ch === '\u0003') {
            cleanup();
            return reject(new Error('interrupted'));
          }
          if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
          else text += ch;
        }
      };
      const finish = () => {
        cleanup();
        resolve(text);
      };
      const cleanup = () => {
        stdin.off('data', onData);
        stdin.off('end', finish);
        stdin.pause();
      };
      stdin.on('data', onData);
      stdin.once('end', finish);
      stdin.resume();
    });
  } finally {
    if (raw) stdin.setRawMode(false);
    io.stdout.write('\n');
  }
}
