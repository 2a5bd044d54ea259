/**
 * What a command is: its place in the tree, its flags, and the function that
 * runs it. Commands live in commands/ and see the world only through Context.
 */
import type { FlagSpec, FlagValue } from '../config/flags.js';
import type { GlobalOptions } from '../config/globals.js';
import type { EtcdClient } from '../client/client.js';
import type { Printer, PrintOptions } from '../output/printer.js';
import type { IO } from '../io/types.js';
import type { TextPrinter } from '../output/text.js';
import type { Paint } from '../io/colour.js';
import type { ProgramSpec } from './program.js';

export interface Context {
  /** Positional arguments, with the `--` separator removed. */
  args: string[];
  /** How many positional arguments came before `--`, or -1 when there was none (cobra's ArgsLenAtDash). */
  dashAt: number;
  /** This command's own flags, parsed (defaults filled in). */
  flags: Record<string, FlagValue>;
  /** Names of this command's flags that were given on the command line. */
  flagsGiven: Set<string>;
  globals: GlobalOptions;
  io: IO;
  env: NodeJS.ProcessEnv;
  /** The shared client, connected on first use and closed when the command ends. */
  client(): Promise<EtcdClient>;
  /** A client of its own for one endpoint (endpoint status, health, defrag, ...), closed at the end. */
  clientFor(endpoint: string): Promise<EtcdClient>;
  /**
   * A client for another cluster (make-mirror's destination): the global
   * settings with `overrides` (endpoints, TLS files, user) applied, asking for a
   * password with `passwordPrompt` when one is needed. Closed at the end.
   */
  clientWith(overrides: Partial<GlobalOptions>, passwordPrompt: string): Promise<EtcdClient>;
  /** Another client on all of --endpoints with a connection of its own (check's load), closed at the end. */
  newClient(): Promise<EtcdClient>;
  /** The printer for --write-out. */
  printer(opts?: Partial<PrintOptions>): Printer;
  /** Prints the help page of the command named by `path` (help's own job). */
  help(path: string[]): void;
  /** Output that is fixed text whatever --write-out says. */
  text(): TextPrinter;
  /** The colours of stdout and stderr (none unless they go to a person; see src/io/colour.ts). */
  readonly paint: Paint;
  /**
   * Resolves with the first SIGINT or SIGTERM (long-running commands stop
   * cleanly on it); listened for from the first time it is read.
   */
  interrupted: Promise<NodeJS.Signals>;
}

export interface CommandDef {
  name: string;
  /** The usage line after the program's name, e.g. "get [options] <key> [range_end]". */
  use: string;
  short: string;
  long?: string;
  flags?: FlagSpec[];
  /** Flags this command shares with its subcommands (etcdctl's persistent flags). */
  persistentFlags?: FlagSpec[];
  subcommands?: CommandDef[];
  run?: (ctx: Context) => Promise<void> | void;
  /**
   * Positional arguments from this index on (before any `--`) are keys or
   * values: one that is not UTF-8 reaches the command as its raw bytes in a
   * BINARY_MARK string (src/cli/rawargs.ts), for keyBytes. Others get text.
   */
  rawArgsFrom?: number;
  /** Works on files only, never a client (snapshot status/restore): no ETCDCTL_* warnings, as etcdctl. */
  offline?: boolean;
  /** --debug dumps no flags for it (etcdctl's endpoint health makes its clients another way). */
  quietDebug?: boolean;
  /** Not listed in help pages nor suggested, and not reached by a prefix of its name (cobra's Hidden). */
  hidden?: boolean;
  /** Every word after the command's name is a positional argument, flags included (cobra's DisableFlagParsing). */
  disableFlagParsing?: boolean;
  /** The only values its argument may take, offered by shell completion (cobra's ValidArgs). */
  validArgs?: string[];
  /** The usage line has no " [flags]" (cobra's DisableFlagsInUseLine). */
  disableFlagsInUseLine?: boolean;
  /**
   * Checks the positional arguments before the command runs (cobra's Args):
   * a message for arguments it does not take, reported as a flag error is
   * (with the usage, exit 1). `path` is the command's, e.g. "etcdctl completion".
   */
  checkArgs?: (args: string[], path: string) => string | undefined;
  /** On a root: the program the tree is (etcdctl's when absent; see program.ts). */
  program?: ProgramSpec;
  /** Set when the tree is assembled. */
  parent?: CommandDef;
}
