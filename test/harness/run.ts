// Run the real etcdctl and our CLI side by side.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

export const REAL_ETCDCTL = process.env.REAL_ETCDCTL || '/usr/bin/etcdctl';

/** Repository root: found by walking up from this (compiled) file to the package.json of etcdctl-ts. */
export const REPO_ROOT: string = findRepoRoot();
export const OUR_BIN: string = path.join(REPO_ROOT, 'bin', 'etcdctl-ts.js');
export const OUR_UTIL_BIN: string = path.join(REPO_ROOT, 'bin', 'etcdutl-ts.js');
/** package.json's version: the one `version`'s third line and the root help page name. */
export const PACKAGE_VERSION: string = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function findRepoRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url)); // <repo>/dist/test/harness
  let dir = here;
  for (;;) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'etcdctl-ts') return dir;
    } catch {
      // no package.json here
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.resolve(here, '..', '..', '..');
}

export interface RunOptions {
  /** Extra environment; a value of undefined removes the variable. */
  env?: Record<string, string | undefined>;
  /** Written to the child's stdin, which is then closed (stdin is always closed, even without this). */
  stdin?: string | Buffer;
  /** Kill (SIGKILL) the child after this long; default 20000 ms. */
  timeoutMs?: number;
  cwd?: string;
}

export interface RunResult {
  stdout: Buffer;
  stderr: Buffer;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the child was killed because timeoutMs passed. */
  timedOut: boolean;
  /** Wall time in milliseconds. */
  durationMs: number;
}

/** process.env without any ETCDCTL_* variables (nor FORCE_COLOR, NO_COLOR), plus ETCDCTL_API=3, plus `extra`. */
export function cleanEnv(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('ETCDCTL_')) continue;
    // Whether output is coloured is each test's choice (piped output never is, unless these say so).
    if (k === 'FORCE_COLOR' || k === 'NO_COLOR') continue;
    env[k] = v;
  }
  env.ETCDCTL_API = '3';
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Spawns `file args`, feeds stdin, collects output. Never rejects for a non-zero exit. */
export function runCommand(file: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 20000;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: cleanEnv(opts.env),
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    // The child may exit without reading its stdin: ignore EPIPE and friends.
    child.stdin.on('error', () => {});
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${file}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      let stderr = Buffer.concat(err);
      if (timedOut) {
        stderr = Buffer.concat([stderr, Buffer.from(`\n[harness] ${path.basename(file)} ${args.join(' ')}: killed after ${timeoutMs} ms timeout\n`)]);
      }
      resolve({
        stdout: Buffer.concat(out),
        stderr,
        code,
        signal,
        timedOut,
        durationMs: Date.now() - started,
      });
    });
    if (opts.stdin !== undefined) child.stdin.write(opts.stdin);
    child.stdin.end();
  });
}

/** Bash's $'...' quoting of an argument, byte by byte. */
function bashQuote(arg: string | Buffer): string {
  const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
  return `$'${[...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}'`;
}

/**
 * Runs `file args` through bash, so that arguments can be bytes that are not
 * UTF-8 (Node's spawn takes only strings), as a shell user types $'\xff'.
 */
export function runBytes(file: string, args: (string | Buffer)[], opts: RunOptions = {}): Promise<RunResult> {
  return runCommand('/bin/bash', ['-c', `exec ${[file, ...args].map(bashQuote).join(' ')}`], opts);
}

/** Runs the real etcdctl (/usr/bin/etcdctl) with a clean ETCDCTL_* environment. */
export function runReal(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return runCommand(REAL_ETCDCTL, args, opts);
}

/** Runs our CLI (node <repo>/bin/etcdctl-ts.js) with a clean ETCDCTL_* environment. */
export function runOurs(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return runCommand(process.execPath, [OUR_BIN, ...args], opts);
}

/** Runs our etcdutl-ts (node <repo>/bin/etcdutl-ts.js) with a clean ETCDCTL_* environment. */
export function runUtil(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return runCommand(process.execPath, [OUR_UTIL_BIN, ...args], opts);
}

/**
 * Removes the etcd client's JSON log lines (lines starting with `{"level":`), which the real
 * etcdctl writes to stderr before its `Error:` line.
 */
export function stripZapLines(stderr: Buffer | string): string {
  const s = typeof stderr === 'string' ? stderr : stderr.toString('utf8');
  if (!s.includes('{"level":')) return s;
  return s
    .split(/(?<=\n)/) // keep the line terminators
    .filter((line) => !line.startsWith('{"level":'))
    .join('');
}

export interface CompareOptions extends RunOptions {
  /** Maps stdout and (zap-stripped) stderr to a string before comparing, to mask volatile parts. */
  normalize?: (buf: Buffer) => string;
  /** Run both at once instead of real-then-ours (only for commands that do not change state). */
  parallel?: boolean;
}

export interface CompareResult {
  real: RunResult;
  ours: RunResult;
}

function show(r: RunResult): string {
  return `exit=${r.code}${r.signal ? ` signal=${r.signal}` : ''}${r.timedOut ? ' TIMED OUT' : ''}\n` +
    `--- stdout ---\n${r.stdout.toString('utf8')}\n--- stderr ---\n${r.stderr.toString('utf8')}`;
}

/**
 * Differential check: runs the real etcdctl and our CLI with the same args (real first, unless
 * opts.parallel) and asserts equal stdout bytes, equal stripZapLines(stderr), equal exit codes.
 */
export async function compare(t: TestContext | undefined, args: string[], opts: CompareOptions = {}): Promise<CompareResult> {
  const { normalize, parallel, ...runOpts } = opts;
  let real: RunResult;
  let ours: RunResult;
  if (parallel) {
    [real, ours] = await Promise.all([runReal(args, runOpts), runOurs(args, runOpts)]);
  } else {
    real = await runReal(args, runOpts);
    ours = await runOurs(args, runOpts);
  }
  const view = (r: RunResult) => {
    const errBuf = Buffer.from(stripZapLines(r.stderr), 'utf8');
    return {
      stdout: normalize ? normalize(r.stdout) : r.stdout.toString('utf8'),
      stderr: normalize ? normalize(errBuf) : errBuf.toString('utf8'),
      code: r.code,
      signal: r.signal,
    };
  };
  const a = view(ours);
  const b = view(real);
  const same = a.stdout === b.stdout && a.stderr === b.stderr && a.code === b.code && a.signal === b.signal &&
    (normalize !== undefined || ours.stdout.equals(real.stdout));
  if (!same && t) {
    // one diagnostic per line: TAP escapes newlines inside a diagnostic
    const lines = [`args: ${JSON.stringify(args)}`, `=== real etcdctl: ${show(real)}`, `=== etcdctl-ts: ${show(ours)}`]
      .join('\n')
      .split('\n');
    for (const line of lines) t.diagnostic(line);
  }
  assert.deepStrictEqual(a, b, `etcdctl-ts differs from etcdctl for ${JSON.stringify(args)} (actual = ours, expected = real)`);
  if (!normalize) {
    // utf8 decoding can hide differences in invalid byte sequences: check the exact bytes too.
    assert.ok(ours.stdout.equals(real.stdout),
      `stdout bytes differ for ${JSON.stringify(args)}:\nours: ${ours.stdout.toString('hex')}\nreal: ${real.stdout.toString('hex')}`);
  }
  return { real, ours };
}
