/**
 * The command context: what a command sees of the world (types.ts's
 * Context) for one run: the resolved global options, clients made on first
 * use and closed at the end, the printer for --write-out, help, interrupts.
 */
import { resolveGlobals, envName, type GlobalOptions } from '../config/globals.js';
import { helpPage, programOf } from './program.js';
import type { CommandDef, Context } from './types.js';
import type { IO } from '../io/types.js';
import { firstInterrupt } from '../io/interrupts.js';
import type { EtcdClient } from '../client/client.js';
import type { PrintOptions, Printer } from '../output/printer.js';
import { findSub, pathOf, type ParsedArgs } from './args.js';
import { warnUnknownEnv } from './report.js';
import { badArgs } from '../errors.js';
import { colourMode, NO_PAINT, paintFor, type Paint } from '../io/colour.js';
import type { Sink } from '../io/types.js';

/**
 * The context for running `parsed.def`; `prepare` sets up the output (--color,
 * --jq) before the command runs, and `close` closes its clients afterwards.
 */
export function createContext(
  root: CommandDef,
  parsed: ParsedArgs,
  env: NodeJS.ProcessEnv,
  io: IO,
): { ctx: Context; prepare: () => Promise<void>; close: () => void } {
  const { def, globalCli } = parsed;
  const globals = resolveGlobals(globalCli, env);
  // A set variable of an inherited flag (ETCDCTL_CLUSTER for endpoint ...) is
  // not unknown here; for watch, neither are those that give its key (etcdctl
  // adds flags for them). An empty one sets nothing, and is warned of.
  const inherited = pathOf(def).flatMap((d) => d.persistentFlags ?? []);
  const inheritedEnv = new Set(inherited.map((s) => envName(s.name)));
  if (def.name === 'watch' && def.parent === root) inheritedEnv.add('ETCDCTL_WATCH_KEY').add('ETCDCTL_WATCH_RANGE_END');
  globals.unknownEnv = globals.unknownEnv.filter((v) => {
    const eq = v.indexOf('=');
    return !(inheritedEnv.has(v.slice(0, eq)) && v.length > eq + 1);
  });
  // --debug's dump: the globals and the flags inherited from parents; none for
  // endpoint health, which etcdctl sets up without its usual client configuration.
  globals.debugExtra = def.quietDebug ? undefined : inherited.map((spec) => `${envName(spec.name)}=${String(parsed.flags[spec.name])}`);
  // etcdctl warns of them as it sets up its client and output format.
  let warned = def.offline === true;
  const warnOnce = () => {
    if (!warned) warnUnknownEnv(io, globals);
    warned = true;
  };
  let paint: Paint = NO_PAINT;
  /** With --jq, where the JSON printer writes: the filter, then stdout. */
  let jqOut: Sink | undefined;
  const prepare = async () => {
    paint = await paintFor(io, env, colourMode(globals.color));
    if (globals.jq === '') return;
    // --jq filters the JSON output: it implies -w json, and another format given with it is an error.
    if (globals.given.has('write-out') && globals.writeOut !== 'json') {
      throw badArgs(`--jq filters the JSON output: it cannot be used with --write-out=${globals.writeOut}`);
    }
    globals.writeOut = 'json';
    const { JqFilter, JqSink } = await import('../output/jq.js');
    jqOut = new JqSink(await JqFilter.compile(globals.jq), io.stdout, io.stderr);
  };
  let client: EtcdClient | undefined;
  let interrupted: Promise<NodeJS.Signals> | undefined;
  const extraClients: EtcdClient[] = [];
  // Resolved once (it may ask for a password), shared by every client of this run.
  let config: Promise<import('../client/client.js').ClientConfig> | undefined;
  const clientConfig = () => {
    warnOnce();
    config ??= import('../client/client.js').then((mod) => mod.resolveClientConfig(globals, io));
    return config;
  };
  const ctx: Context = {
    args: parsed.args,
    dashAt: parsed.dashAt,
    flags: parsed.flags,
    flagsGiven: parsed.flagsGiven,
    globals,
    io,
    env,
    client: async () => {
      if (!client) {
        const mod = await import('../client/client.js');
        client = new mod.EtcdClient(await clientConfig());
      }
      return client;
    },
    clientWith: async (overrides: Partial<GlobalOptions>, passwordPrompt: string) => {
      const mod = await import('../client/client.js');
      const g: GlobalOptions = { ...globals, ...overrides, debug: false, discoverySrv: '', given: new Set<string>() };
      const other = new mod.EtcdClient(await mod.resolveClientConfig(g, io, passwordPrompt));
      extraClients.push(other);
      return other;
    },
    newClient: async () => {
      const mod = await import('../client/client.js');
      const fresh = new mod.EtcdClient(await clientConfig());
      extraClients.push(fresh);
      return fresh;
    },
    clientFor: async (endpoint: string) => {
      const mod = await import('../client/client.js');
      const one = new mod.EtcdClient({ ...(await clientConfig()), endpoints: [mod.parseEndpointArg(endpoint)] });
      extraClients.push(one);
      return one;
    },
    printer: (opts?: Partial<PrintOptions>): Printer => {
      warnOnce();
      return makePrinter(globals, io, { paint, ...opts }, jqOut);
    },
    text: () => new printerFactory!.TextPrinter(io.stdout, io.stderr),
    get paint() {
      return paint;
    },
    help: (path: string[]) => {
      // cobra's Find: the deepest command the words name; words after it are
      // ignored, except that a first word naming nothing is an unknown topic.
      let cur: CommandDef = root;
      for (const name of path) {
        const sub = findSub(cur, name);
        if (!sub) break;
        cur = sub;
      }
      if (cur === root && path.length > 0) {
        // cobra prints the topic with Go's %#q: [`a` `b`], then the root's usage, whose
        // help flag is not listed because the root is not the command being run (etcdctl
        // prints that usage on stdout; cobra's own usage function, etcdutl's, on stderr).
        io.stderr.write(`Unknown help topic [${path.map((p) => '`' + p + '`').join(' ')}]\n`);
        if (programOf(root).help === 'cobra') io.stderr.write(helpPage(root, { helpFlag: false }));
        else io.stdout.write(helpPage(root, { helpFlag: false }));
        return;
      }
      io.stdout.write(helpPage(cur));
    },
    get interrupted() {
      // Listened for from the first time a command asks.
      interrupted ??= firstInterrupt().interrupted;
      return interrupted;
    },
  };
  const close = () => {
    client?.close();
    for (const c of extraClients) c.close();
  };
  return { ctx, prepare, close };
}

let printerFactory: typeof import('../output/index.js') | undefined;
/** Printers are loaded with the command; creating one validates --write-out. */
function makePrinter(g: GlobalOptions, io: IO, opts: Partial<PrintOptions>, jqOut: Sink | undefined): Printer {
  if (!printerFactory) throw new Error('printers not loaded');
  return printerFactory.createPrinter(g.writeOut, jqOut ?? io.stdout, { hex: g.hex, valueOnly: false, paint: NO_PAINT, ...opts }, io.stderr);
}

/** Loads the output layer; called once before commands run. */
export async function loadPrinters(): Promise<void> {
  printerFactory = await import('../output/index.js');
}
