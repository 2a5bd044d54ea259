/** Asking for a password on the terminal without echoing it, or reading it from stdin. */
import { fstatSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { childProcess } from '../builtins.js';
import type { IO } from './types.js';
import { EtcdctlError } from '../errors.js';
import { isGoSpace } from '../go/text.js';
import { onInterrupt } from './interrupts.js';

/**
 * What has been read from a stdin stream but not yet used: several reads in
 * one run (two password prompts, or a password for `user add` and then one
 * for `--user`) take their lines one after the other even when a single
 * chunk of input held them all.
 */
interface Pending {
  text: string;
  ended: boolean;
  decoder: StringDecoder;
}
const pending = new WeakMap<object, Pending>();

function pendingOf(stream: NodeJS.ReadableStream): Pending {
  let p = pending.get(stream);
  if (!p) {
    p = { text: '', ended: (stream as { readableEnded?: boolean }).readableEnded === true, decoder: new StringDecoder('utf8') };
    pending.set(stream, p);
  }
  return p;
}

/** A step over the text read so far: how much it used and what it found, or undefined to wait for more. */
type Step<T> = (text: string, ended: boolean) => { used: number; value: T } | undefined;

/**
 * Reads from `stream` until `step` finds what it wants; the rest stays for the next read.
 * An abort stops the reading and rejects with the signal's reason.
 */
function consume<T>(stream: NodeJS.ReadableStream, step: Step<T>, abort?: AbortSignal): Promise<T> {
  const p = pendingOf(stream);
  // The end may have come while nobody listened (right after the last data).
  if (!p.ended && (stream as { readableEnded?: boolean }).readableEnded === true) {
    p.ended = true;
    p.text += p.decoder.end();
  }
  const attempt = () => {
    const r = step(p.text, p.ended);
    if (r) p.text = p.text.slice(r.used);
    return r;
  };
  const first = attempt();
  if (first) return Promise.resolve(first.value);
  return new Promise<T>((resolve, reject) => {
    const check = () => {
      let r;
      try {
        r = attempt();
      } catch (err) {
        cleanup();
        reject(err);
        return;
      }
      if (r) {
        cleanup();
        resolve(r.value);
      }
    };
    const onData = (chunk: Buffer | string) => {
      p.text += typeof chunk === 'string' ? chunk : p.decoder.write(chunk);
      check();
    };
    const onEnd = () => {
      p.ended = true;
      p.text += p.decoder.end();
      check();
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAbort = () => {
      cleanup();
      reject(abort?.reason);
    };
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      abort?.removeEventListener('abort', onAbort);
      stream.pause();
    };
    if (abort?.aborted) {
      reject(abort.reason);
      return;
    }
    abort?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.resume();
  });
}

/**
 * Thrown when a password prompt is interrupted (Ctrl-C, or SIGTERM, SIGHUP, SIGQUIT):
 * etcdctl then exits at once with status 255 and no message.
 */
export class PromptInterrupted extends EtcdctlError {
  constructor() {
    super('interrupted', 255, [], true);
  }
}

/** The signals that end etcdctl's password prompt (its prompt turns echo back on first). */
const PROMPT_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/**
 * Turns the terminal's echo off or on with stty(1) on our stdin, as etcdctl's prompt does.
 * Only echo changes: the terminal still edits the line, and Ctrl-C still sends SIGINT to
 * the whole foreground process group, so a shell script running us stops too.
 * False when stty could not do it.
 */
function setEcho(on: boolean): boolean {
  const r = childProcess().spawnSync('stty', [on ? 'echo' : '-echo'], { stdio: ['inherit', 'ignore', 'ignore'] });
  return r.status === 0;
}

/** Reads one line from the terminal with echo off; a prompt signal restores echo and interrupts. */
async function readHidden(stdin: NodeJS.ReadStream): Promise<string> {
  const stop = new AbortController();
  const unsubscribe = onInterrupt(PROMPT_SIGNALS, () => stop.abort(new PromptInterrupted()));
  try {
    return await consume(stdin, pipedLine, stop.signal);
  } finally {
    unsubscribe();
    setEcho(true);
  }
}

/**
 * Without stty: raw mode. Keys typed: Enter, Ctrl-D end the line; Ctrl-C interrupts;
 * Backspace deletes.
 */
const typedLine: Step<string> = (text, ended) => {
  let line = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n' || ch === '\r' || ch === '\u0004') return { used: i + 1, value: line };
    if (ch === '\u0003') throw new PromptInterrupted();
    if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
    else line += ch;
  }
  return ended ? { used: text.length, value: line } : undefined;
};

/** One line of piped input, as it is, without its "\n" (or "\r\n"). */
const pipedLine: Step<string> = (text, ended) => {
  const nl = text.indexOf('\n');
  if (nl >= 0) return { used: nl + 1, value: text.slice(0, nl).replace(/\r$/, '') };
  return ended ? { used: text.length, value: text.replace(/\r$/, '') } : undefined;
};

/**
 * Prints `prompt` on stdout and reads one line from the terminal with echo
 * off. Without a terminal, reads one line from stdin.
 */
export async function askPassword(prompt: string, io: IO): Promise<string> {
  io.stdout.write(prompt);
  const stdin = io.stdin as NodeJS.ReadStream;
  if (stdin === process.stdin && stdinIsDirectory()) {
    // Node's stdin just ends there; Go's read fails, and etcdctl says so.
    io.stdout.write('\n');
    throw new Error('read /dev/stdin: is a directory');
  }
  const tty = stdin.isTTY === true;
  // With stty, only echo is turned off (as etcdctl does); without it, raw mode.
  const hidden = tty && stdin === process.stdin && setEcho(false);
  const raw = !hidden && tty && typeof stdin.setRawMode === 'function';
  if (raw) stdin.setRawMode(true);
  let interrupted = false;
  try {
    return await (hidden ? readHidden(stdin) : consume(stdin, raw ? typedLine : pipedLine));
  } catch (err) {
    interrupted = err instanceof PromptInterrupted;
    throw err;
  } finally {
    if (raw) stdin.setRawMode(false);
    // Interrupted, etcdctl's prompt exits at once, without ending the line.
    if (!interrupted) io.stdout.write('\n');
  }
}

function stdinIsDirectory(): boolean {
  try {
    return fstatSync(0).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Go's fmt.Scanf("%s") over `text`: spaces are skipped, but a newline before
 * the word ends the scan with nothing; the word runs to the next space, which
 * is consumed with it. Undefined when more input is needed to decide.
 */
export const scanWord: Step<string> = (text, ended) => {
  let i = 0;
  for (;;) {
    if (i >= text.length) return ended ? { used: i, value: '' } : undefined;
    const ch = text[i];
    if (ch === '\r') {
      if (i + 1 >= text.length && !ended) return undefined;
      if (text[i + 1] === '\n') {
        i++;
        continue;
      }
    }
    if (ch === '\n') return { used: i + 1, value: '' };
    if (!isGoSpace(ch)) break;
    i++;
  }
  let j = i;
  while (j < text.length && !isGoSpace(text[j])) j++;
  if (j >= text.length) return ended ? { used: j, value: text.slice(i) } : undefined;
  return { used: j + 1, value: text.slice(i, j) };
};

/** Reads one whitespace-delimited word from stdin as etcdctl's fmt.Scanf("%s") does (no prompt, echo as it is). */
export function readWord(io: IO): Promise<string> {
  return consume(io.stdin, scanWord);
}
