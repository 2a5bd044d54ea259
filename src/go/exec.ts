/**
 * Starting a program as Go's os/exec does, for the commands etcdctl runs
 * (`watch KEY -- CMD`, `lock NAME -- CMD`): the same look-up in PATH, the same
 * refusals, and Go's words for every way it can fail, which etcdctl prints.
 */
import { accessSync, closeSync, constants as fsConstants, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { getSystemErrorMap } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { childProcess } from '../builtins.js';
import { goQuote } from './quote.js';

/** Go's texts for the errors starting a program can fail with (its syscall table, not libuv's). */
const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  ENOEXEC: 'exec format error',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  ETXTBSY: 'text file busy',
  E2BIG: 'argument list too long',
  EPERM: 'operation not permitted',
  ENOMEM: 'cannot allocate memory',
  EAGAIN: 'resource temporarily unavailable',
  EMFILE: 'too many open files',
  EINVAL: 'invalid argument',
  EIO: 'input/output error',
  ELIBBAD: 'accessing a corrupted shared library',
};

function errnoText(err: NodeJS.ErrnoException): string {
  if (err.code && ERRNO_TEXT[err.code]) return ERRNO_TEXT[err.code];
  if (typeof err.errno === 'number') {
    const known = getSystemErrorMap().get(err.errno);
    if (known) return known[1];
  }
  return err.message;
}

/** Go's findExecutable: not a directory, and executable for us. */
function isExecutable(file: string): boolean {
  try {
    if (statSync(file).isDirectory()) return false;
    accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * What Go's exec.Command(name) runs, or the error its Start gives, worded as
 * Go words it. A name without a slash is looked up in PATH (an empty entry
 * is ".", and a match that is not an absolute path is refused); any other
 * name is run as it is, relative to the current directory.
 */
function resolveCommand(name: string, pathEnv: string | undefined): { file: string } | { error: string } {
  if (name === '') return { error: 'exec: no command' };
  const lookPathError = (why: string) => ({ error: `exec: ${goQuote(name)}: ${why}` });
  // filepath.Base("/") is "/" itself, so Go looks "/" up, and finds a directory.
  if (name === '/') return lookPathError('is a directory');
  if (name.includes('/')) return { file: name };
  for (const entry of pathEnv ? pathEnv.split(':') : []) {
    const candidate = path.join(entry === '' ? '.' : entry, name);
    if (!isExecutable(candidate)) continue;
    if (!path.isAbsolute(candidate)) return lookPathError('cannot run executable found relative to current directory');
    return { file: candidate };
  }
  return lookPathError('executable file not found in $PATH');
}

/** The kernel's binfmt_misc registrations: does one of them take this file? */
function binfmtMiscTakes(file: string, head: Buffer): boolean {
  const dir = '/proc/sys/fs/binfmt_misc';
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n !== 'register' && n !== 'status');
  } catch {
    return false;
  }
  for (const n of names) {
    let text: string;
    try {
      text = readFileSync(path.join(dir, n), 'utf8');
    } catch {
      continue;
    }
    if (!/^enabled$/m.test(text)) continue;
    const ext = /^extension \.(.*)$/m.exec(text)?.[1];
    if (ext !== undefined) {
      if (path.basename(file).endsWith(`.${ext}`)) return true;
      continue;
    }
    const magic = Buffer.from(/^magic ([0-9a-f]*)$/m.exec(text)?.[1] ?? '', 'hex');
    const mask = Buffer.from(/^mask ([0-9a-f]*)$/m.exec(text)?.[1] ?? '', 'hex');
    const offset = Number(/^offset (\d+)$/m.exec(text)?.[1] ?? 0);
    if (magic.length === 0 || offset + magic.length > head.length) continue;
    if (magic.every((m, i) => ((head[offset + i] ^ m) & (i < mask.length ? mask[i] : 0xff)) === 0)) return true;
  }
  return false;
}

/**
 * Would execve refuse this file with ENOEXEC (an executable that is neither
 * ELF nor a "#!" script, nor a format binfmt_misc knows)? Go reports that;
 * Node's spawn would quietly hand the file to /bin/sh instead (execvp's
 * fallback), so it is looked at before spawning.
 */
function notExecutableFormat(file: string): boolean {
  let fd: number | undefined;
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, fsConstants.X_OK);
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(256);
    const head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
    if (head.subarray(0, 2).toString('latin1') === '#!') return false;
    if (head.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) return false;
    return !binfmtMiscTakes(file, head);
  } catch {
    return false; // unreadable or gone: let the kernel have its say
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** How Go names the signals that end a command ("signal: interrupt"). */
const GO_SIGNAL_NAMES: Partial<Record<NodeJS.Signals, string>> = {
  SIGHUP: 'hangup', SIGINT: 'interrupt', SIGQUIT: 'quit', SIGILL: 'illegal instruction', SIGTRAP: 'trace/breakpoint trap',
  SIGABRT: 'aborted', SIGBUS: 'bus error', SIGFPE: 'floating point exception', SIGKILL: 'killed', SIGUSR1: 'user defined signal 1',
  SIGSEGV: 'segmentation fault', SIGUSR2: 'user defined signal 2', SIGPIPE: 'broken pipe', SIGALRM: 'alarm clock', SIGTERM: 'terminated',
};

export function goSignalName(signal: NodeJS.Signals): string {
  return GO_SIGNAL_NAMES[signal] ?? signal;
}

/**
 * Starts `exec` (program and arguments) with stdout and stderr inherited and
 * no stdin, as Go's exec.Command(...).Start() would: the child, and how to
 * word an error it fails to start with; or Go's error when it cannot even be
 * started.
 */
export function startCommand(
  exec: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; failedToStart: (err: NodeJS.ErrnoException) => string } | { error: string } {
  const target = resolveCommand(exec[0] ?? '', env.PATH);
  if ('error' in target) return target;
  const { file } = target;
  const startError = (text: string) => `fork/exec ${file}: ${text}`;
  if (notExecutableFormat(file)) return { error: startError(ERRNO_TEXT.ENOEXEC) };
  try {
    // argv[0] is the name as given, as Go passes it; `file` is what runs.
    // No stdin, as Go gives none when exec.Cmd.Stdin is not set (etcdctl sets only stdout and stderr).
    const child = childProcess().spawn(file, exec.slice(1), { env, stdio: ['ignore', 'inherit', 'inherit'], argv0: exec[0] });
    return { child, failedToStart: (err) => startError(errnoText(err)) };
  } catch {
    // Node refuses a NUL byte in an argument before trying; the kernel would say EINVAL.
    return { error: startError(ERRNO_TEXT.EINVAL) };
  }
}
