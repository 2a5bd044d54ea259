/**
 * sandbox up / env / status / down: a local etcd (1 or 3 members, optionally
 * TLS with kubeadm's certificate layout) to practise on, started detached and
 * stopped by the pids it recorded (src/sandbox/sandbox.ts).
 */
import path from 'node:path';
import type { CommandDef, Context } from '../src/cli/types.js';
import { EtcdctlError, ExitCode } from '../src/errors.js';
import { SandboxPrinter } from '../src/output/sandbox.js';
import { shellQuote } from '../src/io/shell.js';

const badArgs = (message: string) => new EtcdctlError(message, ExitCode.BadArgs);

const DIR_FLAG = {
  name: 'dir', type: 'string' as const, default: '',
  usage: 'Folder of the sandbox: data dirs, logs, certificates (default $XDG_STATE_HOME/etcdctl-ts/sandbox or ~/.local/state/etcdctl-ts/sandbox)',
};

function printer(ctx: Context): SandboxPrinter {
  return new SandboxPrinter(ctx.io.stdout, ctx.io.stderr, ctx.paint.out, ctx.paint.err);
}

async function sandboxDir(ctx: Context): Promise<{ dir: string; flag: string }> {
  if (ctx.args.length > 0) throw badArgs(`sandbox ${ctx.args[0]}: no arguments expected (the folder is given with --dir)`);
  const { defaultDir } = await import('../src/sandbox/sandbox.js');
  const given = ctx.flags.dir as string;
  const dir = path.resolve(given === '' ? defaultDir(ctx.env) : given);
  return { dir, flag: given === '' ? '' : ` --dir ${shellQuote(dir)}` };
}

async function runUp(ctx: Context): Promise<void> {
  const { dir, flag } = await sandboxDir(ctx);
  const members = ctx.flags.members as number;
  if (members !== 1 && members !== 3) throw badArgs(`--members takes 1 or 3, not ${members}`);
  const sb = await import('../src/sandbox/sandbox.js');
  const p = printer(ctx);
  const r = await sb.up({ dir, members, tls: ctx.flags.tls === true, env: ctx.env, log: (l) => p.note(l) });
  if (r.how === 'restarted' && (ctx.flagsGiven.has('members') || ctx.flagsGiven.has('tls'))) {
    const n = r.state.members.length;
    if (n !== members || r.state.tls !== (ctx.flags.tls === true)) {
      p.note(`(the sandbox in ${dir} was made with ${n} member${n === 1 ? '' : 's'}${r.state.tls ? ' and TLS' : ''}: --members and --tls apply to a new one)`);
    }
  }
  p.exports(sb.exportLines(sb.sandboxEnv(r.state)));
  const piped = (ctx.io.stdout as { isTTY?: boolean }).isTTY !== true;
  p.started(r.state, r.how, flag, piped);
}

async function runEnv(ctx: Context): Promise<void> {
  const { dir, flag } = await sandboxDir(ctx);
  const sb = await import('../src/sandbox/sandbox.js');
  const { SandboxError } = await import('../src/sandbox/errors.js');
  const state = sb.readState(dir);
  if (!state) throw new SandboxError(`no sandbox in ${dir}`, [`Start one with: etcdctl-ts sandbox up${flag}`]);
  printer(ctx).exports(sb.exportLines(sb.sandboxEnv(state)));
  const stopped = state.members.filter((m) => !sb.isRunning(m));
  if (stopped.length > 0) {
    printer(ctx).note(`note: ${stopped.map((m) => m.name).join(', ')} not running; start ${stopped.length === 1 ? 'it' : 'them'} again with: etcdctl-ts sandbox up${flag}`);
  }
}

async function runStatus(ctx: Context): Promise<void> {
  const { dir } = await sandboxDir(ctx);
  const sb = await import('../src/sandbox/sandbox.js');
  const s = await sb.status(dir, ctx.env);
  printer(ctx).status(s.state.dir, s.state.tls, s.members.map((m) => ({ ...m.member, running: m.running, error: m.error })));
  if (s.members.some((m) => m.error !== '')) throw new EtcdctlError('unhealthy sandbox', ExitCode.Error);
}

async function runDown(ctx: Context): Promise<void> {
  const { dir } = await sandboxDir(ctx);
  const sb = await import('../src/sandbox/sandbox.js');
  const r = await sb.down({ dir, keep: ctx.flags.keep === true, env: ctx.env });
  printer(ctx).stopped(dir, r.stopped, r.removed);
}

export const sandboxCommand: CommandDef = {
  name: 'sandbox',
  use: 'sandbox <subcommand>',
  short: 'Runs a local etcd to practise on (etcdctl-ts)',
  persistentFlags: [DIR_FLAG],
  subcommands: [
    {
      name: 'up',
      use: 'up',
      short: 'Starts etcd members on free loopback ports and prints the ETCDCTL_* settings that reach them',
      long: `Starts real etcd processes (the etcd on the PATH; as root, Debian's etcd-server is
installed when there is none) on free loopback ports, detached, with their data
dirs and logs under --dir. With --tls the members serve TLS with certificates
laid out as kubeadm lays them out (pki/etcd/ca.crt, server.crt, peer.crt,
healthcheck-client.crt and their keys) and ask clients for a certificate.

stdout holds only the export lines, so that this works:

  eval "$(etcdctl-ts sandbox up --tls)"

A second up on the same folder says that it runs; members that stopped (a stale
pid) are started again on their data.
`,
      flags: [
        { name: 'members', type: 'int', default: 1, usage: 'How many members: 1 or 3' },
        { name: 'tls', type: 'bool', default: false, usage: 'Serve TLS with kubeadm-layout certificates and require client certificates' },
      ],
      run: runUp,
      offline: true,
    },
    { name: 'env', use: 'env', short: 'Prints the export lines of the running sandbox again', run: runEnv, offline: true },
    { name: 'status', use: 'status', short: 'Shows the members, their pids and health', run: runStatus, offline: true },
    {
      name: 'down',
      use: 'down',
      short: 'Stops every process the sandbox started and removes its folder',
      flags: [{ name: 'keep', type: 'bool', default: false, usage: 'Keep the folder (data dirs, logs, certificates)' }],
      run: runDown,
      offline: true,
    },
  ],
};
