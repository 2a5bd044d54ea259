/**
 * Long-running CLI processes in tests (watch, lock, elect, keep-alive,
 * make-mirror): output collected as it comes, and waits that are bounded so
 * that a process that never answers fails the test instead of hanging it.
 * Every process started here is killed when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { cleanEnv, OUR_BIN, REAL_ETCDCTL } from './run.js';

const started = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface LongRunning {
  child: ChildProcess;
  out: { stdout: string; stderr: string };
  /** The exit code; rejects (with the output so far) if the process has not exited 20 s after this is awaited... or started. */
  exited: Promise<number | null>;
}

/** Starts ours or the real etcdctl with `args`. */
export function startLong(bin: 'ours' | 'real', args: string[]): LongRunning {
  const [cmd, pre] = bin === 'ours' ? [process.execPath, [OUR_BIN]] : [REAL_ETCDCTL, []];
  const child = spawn(cmd, [...pre, ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exitedAt = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const exited = Promise.race([
    exitedAt,
    new Promise<never>((_, reject) => {
      setTimeout(() => reject(new Error(`${bin} ${args.join(' ')} did not exit; stdout ${JSON.stringify(out.stdout)} stderr ${JSON.stringify(out.stderr)}`)), 60000).unref();
    }),
  ]);
  exited.catch(() => undefined);
  return { child, out, exited };
}

/** Kills every process started here that is still running. */
export function killAll(): void {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Waits until `cond` holds, failing with `what` after `ms`. */
export async function until(what: string, cond: () => boolean, ms = 15000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await sleep(25);
  }
}
