/**
 * practice list / start / show / check / reset: CKA-style etcd drills on a
 * sandbox, checked from the cluster and the files (src/practice/).
 */
import path from 'node:path';
import type { CommandDef, Context } from '../src/cli/types.js';
import { EtcdctlError, ExitCode } from '../src/errors.js';
import { shellQuote } from '../src/io/shell.js';
import type { PracticePrinter } from '../src/output/practice.js';

const badArgs = (message: string) => new EtcdctlError(message, ExitCode.BadArgs);

const DIR_FLAG = {
  name: 'dir', type: 'string' as const, default: '',
  usage: 'Folder of the drill: its etcd, certificates and files (default $XDG_STATE_HOME/etcdctl-ts/practice or ~/.local/state/etcdctl-ts/practice)',
};

async function printer(ctx: Context): Promise<PracticePrinter> {
  const { PracticePrinter } = await import('../src/output/practice.js');
  return new PracticePrinter(ctx.io.stdout, ctx.io.stderr, ctx.paint.out);
}

async function practiceDir(ctx: Context): Promise<{ dir: string; flag: string }> {
  const { defaultDir } = await import('../src/sandbox/sandbox.js');
  const given = ctx.flags.dir as string;
  const dir = path.resolve(given === '' ? defaultDir(ctx.env, 'practice') : given);
  return { dir, flag: given === '' ? '' : ` --dir ${shellQuote(dir)}` };
}

function noArgs(ctx: Context, sub: string): void {
  if (ctx.args.length > 0) throw badArgs(`practice ${sub}: no arguments expected`);
}

async function runList(ctx: Context): Promise<void> {
  noArgs(ctx, 'list');
  const { dir } = await practiceDir(ctx);
  const pr = await import('../src/practice/practice.js');
  let now: string | undefined;
  try {
    now = pr.current(dir, ctx.env, '').drill.name;
  } catch {
    now = undefined;
  }
  (await printer(ctx)).list(pr.DRILLS, now);
}

async function runStart(ctx: Context): Promise<void> {
  const pr = await import('../src/practice/practice.js');
  const names = pr.DRILLS.map((d) => d.name).join(', ');
  if (ctx.args.length !== 1) throw badArgs(`practice start takes one drill name: ${names}`);
  const drill = pr.findDrill(ctx.args[0]);
  if (!drill) throw badArgs(`unknown drill ${JSON.stringify(ctx.args[0])}: choose one of ${names}`);
  const { dir, flag } = await practiceDir(ctx);
  const p = await printer(ctx);
  const r = await pr.start({ dir, drill, env: ctx.env, log: (l) => p.note(l) });
  if (r.replaced) p.note(`(stopped and removed the ${r.replaced} drill that was set up in ${dir})`);
  p.task(drill.name, drill.task(r.ctx));
  p.howTo(flag);
}

async function runShow(ctx: Context): Promise<void> {
  noArgs(ctx, 'show');
  const { dir, flag } = await practiceDir(ctx);
  const pr = await import('../src/practice/practice.js');
  const { drill, ctx: d } = pr.current(dir, ctx.env, flag);
  (await printer(ctx)).task(drill.name, drill.task(d));
}

async function runCheck(ctx: Context): Promise<void> {
  noArgs(ctx, 'check');
  const { dir, flag } = await practiceDir(ctx);
  const pr = await import('../src/practice/practice.js');
  const r = await pr.check(dir, ctx.env, flag);
  const p = await printer(ctx);
  p.checked(r.drill.name, r.items, r.passed, r.drill.solution(r.ctx));
  if (r.stopped.length > 0) {
    p.note(`note: ${r.stopped.join(', ')} of the drill's sandbox ${r.stopped.length === 1 ? 'is' : 'are'} not running; start ${r.stopped.length === 1 ? 'it' : 'them'} again on ${r.stopped.length === 1 ? 'its' : 'their'} data with: etcdctl-ts sandbox up --dir ${shellQuote(dir)}`);
  }
  if (!r.passed) throw new EtcdctlError(`drill ${r.drill.name} not passed yet`, ExitCode.Error);
}

async function runReset(ctx: Context): Promise<void> {
  noArgs(ctx, 'reset');
  const { dir } = await practiceDir(ctx);
  const pr = await import('../src/practice/practice.js');
  const r = await pr.reset(dir);
  (await printer(ctx)).reset(dir, r.drill, r.stopped);
}

export const practiceCommand: CommandDef = {
  name: 'practice',
  use: 'practice <subcommand>',
  short: 'CKA-style etcd drills that check themselves (etcdctl-ts)',
  persistentFlags: [DIR_FLAG],
  subcommands: [
    { name: 'list', use: 'list', short: 'Lists the drills', run: runList, offline: true },
    {
      name: 'start',
      use: 'start <drill>',
      short: 'Sets a drill up on a fresh sandbox and prints its task',
      long: `Starts a sandbox etcd for the drill (replacing any drill set up in --dir),
puts the drill's data and files in place and prints the task, worded as the
exam words it. Solve it with etcdctl (the real one or this one), then run
"etcdctl-ts practice check".
`,
      run: runStart,
      offline: true,
    },
    { name: 'show', use: 'show', short: 'Prints the task of the drill set up again', run: runShow, offline: true },
    {
      name: 'check',
      use: 'check',
      short: 'Checks the drill: what passed, what is missing, and the commands a candidate would type',
      long: `Looks at the cluster and the files (not at what was typed) and prints each thing
the task asks for as passed or missing, then the commands a candidate would
type. Exits 1 until everything has passed.
`,
      run: runCheck,
      offline: true,
    },
    { name: 'reset', use: 'reset', short: "Stops the drill's etcd processes and removes its folder", run: runReset, offline: true },
  ],
};
