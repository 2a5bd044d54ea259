/**
 * One invocation: argv parsed with etcdctl's rules (args.ts), the command run
 * with its context (context.ts), and every failure turned into etcdctl's
 * `Error: ...` output and exit code (report.ts).
 */
import { ExitCode } from '../errors.js';
import { GLOBAL_FLAGS, resolveGlobals } from '../config/globals.js';
import { renderHelp } from './help.js';
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

  const refused = refuseApiVersion(io, env);
  if (refused !== undefined) return refused;

  let parsed: ParsedArgs | undefined;
  try {
    parsed = parseArgs(root, inv.argv, env);
  } catch (err) {
    const p = await usagePalette(io, env);
    if (err instanceof UsageError) return usageFailure(io, err.def, err.message, p);
    if (err instanceof UnknownCommandError) return unknownCommand(io, root, err.word, p);
    throw err;
  }
  if (!parsed) return ExitCode.Success;
  const { def, args, dashAt, helpWanted } = parsed;

  if (helpWanted || !def.run) {
    // A parent command alone (or with an unknown subcommand) shows its help, as etcdctl does.
    // (Words after `--` name no command: cobra shows the root's help for them.)
    if (def === root && args.length > 0 && dashAt !== 0 && !helpWanted) return unknownCommand(io, root, args[0], await usagePalette(io, env, parsed));
    io.stdout.write(renderHelp(def, pathOf(def), GLOBAL_FLAGS));
    return ExitCode.Success;
  }

  // cobra's Args, checked before anything runs (the message names the command by its path).
  const badArgs = def.checkArgs?.(args, [...pathOf(def), def].map((d) => d.name).join(' '));
  if (badArgs !== undefined) return usageFailure(io, def, badArgs, await usagePalette(io, env, parsed));

  const { ctx, prepare, close } = createContext(root, parsed, env, io);
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
