/** lock: hold a named lock until interrupted, or while a command runs. */
import { goSignalName, startCommand } from '../src/go/exec.js';
import type { CommandDef, Context } from '../src/cli/types.js';
import { badArgs, EtcdctlError, ExitCode } from '../src/errors.js';
import { firstInterrupt, INTERRUPTS, onInterrupt } from '../src/io/interrupts.js';
import { GrpcError } from '../src/client/status.js';


/** Runs the command with the lock's variables; Ctrl-C and SIGTERM are passed on to it. */
function runHolding(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; error?: string }> {
  const started = startCommand(args, env);
  if ('error' in started) return Promise.resolve({ code: ExitCode.Error, error: started.error });
  const { child } = started;
  return new Promise((resolve) => {
    const stopForwarding = onInterrupt(INTERRUPTS, (signal) => child.kill(signal));
    const done = (r: { code: number; error?: string }) => {
      stopForwarding();
      resolve(r);
    };
    child.on('error', (err: NodeJS.ErrnoException) => done({ code: ExitCode.Error, error: started.failedToStart(err) }));
    child.on('exit', (code, signal) => {
      // etcdctl 3.5 exits with the command's exit status, which Go gives as -1 for a
      // command killed by a signal: os.Exit(-1) is status 255.
      if (signal) done({ code: 255, error: `signal: ${goSignalName(signal)}` });
      else done(code === 0 ? { code: 0 } : { code: code ?? 1, error: `exit status ${code}` });
    });
  });
}

async function runLock(ctx: Context): Promise<void> {
  if (ctx.args.length === 0) throw badArgs('lock takes a lock name argument and an optional command to execute');
  const [name, ...command] = ctx.args;
  const printer = ctx.printer();
  const client = await ctx.client();
  const { Session } = await import('../src/concurrency/session.js');
  const { Mutex } = await import('../src/concurrency/mutex.js');
  const { signal, interrupted } = firstInterrupt();
  let session;
  session = await Session.create(client, Number(ctx.flags.ttl), ctx.globals.dialTimeout / 1e6 + 1000);
  try {
    const mutex = new Mutex(client, session, name);
    try {
      await mutex.lock(signal);
    } catch (err) {
      throw err instanceof GrpcError ? err : new EtcdctlError((err as Error).message);
    }
    if (command.length > 0) {
      const env = { ...ctx.env, ETCD_LOCK_KEY: mutex.key.toString('utf8'), ETCD_LOCK_REV: String(mutex.header?.revision ?? 0n) };
      const result = await runHolding(command, env);
      await mutex.unlock();
      // etcdctl 3.5 ends with the command's own exit status.
      if (result.error !== undefined) throw new EtcdctlError(result.error, result.code);
      return;
    }
    const held = await client.kv.range({ key: mutex.key });
    if (held.msg.kvs.length === 0) throw new EtcdctlError('lock lost on init');
    printer.get(held);
    const outcome = await Promise.race([interrupted.then(() => 'interrupted' as const), session.expired.then(() => 'expired' as const)]);
    if (outcome === 'expired') throw new EtcdctlError('session expired');
    await mutex.unlock();
  } finally {
    await session.close();
  }
}

export const lockCommand: CommandDef = {
  name: 'lock',
  use: 'lock <lockname> [exec-command arg1 arg2 ...]',
  short: 'Acquires a named lock',
  flags: [{ name: 'ttl', type: 'int', default: 10, usage: 'timeout for session' }],
  run: runLock,
  rawArgsFrom: 0,
};
