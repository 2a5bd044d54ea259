/**
 * One invocation: argv parsed with etcdctl's rules (args.ts), the command run
 * with its context (context.ts), and every failure turned into etcdctl's
 * `Error: ...` output and exit code (report.ts).
 */
import { ExitCode } from '../errors.js';
import { resolveGlobals } from '../config/globals.js';
import { helpPage, programOf } from './program.js';
import type { CommandDef } from './types.js';
import type { IO } from '../io/types.js';
import { linkParents, parseArgs, pathOf, UnknownCommandError, UsageError, type ParsedArgs } from './args.js';
import { createContext } from './context.js';
import { colourMode, paintFor, type ColourMode, type Palette } from '../io/colour.js';
import { refuseApiVersion, reportFailure, unknownCommand, usageFailure } from './report.js';

/** Everything needed to run one invocation. */
export interface Invocation {
  root: CommandDef;
  argv: string[];
  env: NodeJS.ProcessEnv;
  io: IO;
}

export async function run(inv: Invocation): Promise<number> {
  const { root, io, env } = inv;
  linkParents(root);

  const program = programOf(root);
  const refused = program.readsEnv ? refuseApiVersion(io, env) : undefined;
  if (refused !== undefined) return refused;
  // etcdutl reads no ETCDCTL_* variable: the commands see an environment without them.
  const flagEnv = program.readsEnv ? env : withoutEtcdctlVars(env);

  let parsed: ParsedArgs | undefined;
  try {
    parsed = parseArgs(root, inv.argv, flagEnv);
  } catch (err) {
    const p = await usagePalette(io, flagEnv);
    if (err instanceof UsageError) return usageFailure(io, err.def, err.message, p);
    if (err instanceof UnknownCommandError) return unknownCommand(io, root, err.word, p);
    throw err;
  }
  if (!parsed) return ExitCode.Success;
  const { def, args, dashAt, helpWanted } = parsed;

  if (helpWanted || !def.run) {
    // A parent command alone (or with an unknown subcommand) shows its help, as etcdctl does.
    // (Words after `--` name no command: cobra shows the root's help for them.)
    if (def === root && args.length > 0 && dashAt !== 0 && !helpWanted) return unknownCommand(io, root, args[0], await usagePalette(io, flagEnv, parsed));
    io.stdout.write(helpPage(def));
    return ExitCode.Success;
  }

  // cobra's Args, checked before anything runs (the message names the command by its path).
  const badArgs = def.checkArgs?.(args, [...pathOf(def), def].map((d) => d.name).join(' '));
  if (badArgs !== undefined) return usageFailure(io, def, badArgs, await usagePalette(io, flagEnv, parsed));
  // Then cobra's required flags.
  const missing = (def.flags ?? []).filter((f) => f.required && !parsed!.flagsGiven.has(f.name)).map((f) => `"${f.name}"`);
  if (missing.length > 0) return usageFailure(io, def, `required flag(s) ${missing.join(', ')} not set`, await usagePalette(io, flagEnv, parsed));

  const { ctx, prepare, close } = createContext(root, parsed, flagEnv, io);
  try {
    await prepare();
    await def.run(ctx);
    return ExitCode.Success;
  } catch (err) {
    return reportFailure(io, err, ctx.paint.err);
  } finally {
    close();
  }
}

/**
 * stderr's colours for a usage error: --color's when the flags parsed (a bad
 * value, which is reported only when a command runs, counts as auto), auto
 * when they did not.
 */
async function usagePalette(io: IO, env: NodeJS.ProcessEnv, parsed?: ParsedArgs): Promise<Palette> {
  let mode: ColourMode = 'auto';
  if (parsed) {
    try {
      mode = colourMode(resolveGlobals(parsed.globalCli, env).color);
    } catch {
      mode = 'auto';
    }
  }
  return (await paintFor(io, env, mode)).err;
}

/** The environment without ETCDCTL_* variables (for a program that reads none). */
function withoutEtcdctlVars(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('ETCDCTL_')) out[k] = v;
  return out;
}
