/**
 * completion bash|zsh|fish|powershell (etcdctl 3.6's command) and the hidden
 * __complete its scripts call back. What to offer comes from the command tree
 * (src/completion/offer.ts); member and lease IDs and user and role names come
 * from the cluster the words name (their global flags and ETCDCTL_*), within a
 * second, and nothing when it does not answer by then.
 */
import type { CommandDef, Context } from '../src/cli/types.js';
import type { GlobalOptions } from '../src/config/globals.js';
import { resolveGlobals } from '../src/config/globals.js';
import type { FlagValue } from '../src/config/flags.js';
import { goQuote, goQuoteArg } from '../src/go/quote.js';
import { leaseCandidate, liveCandidates, memberCandidate, offer, type Candidate, type LiveKind } from '../src/completion/offer.js';
import { formatReply, readRequest, SHELLS, type Shell } from '../src/completion/reply.js';
import { completionScript } from '../src/completion/scripts.js';

/** How long the cluster has to answer, all told (ns). */
const LIVE_DEADLINE_NS = 1e9;

/** The global options for fetching live values: those on the line, their ETCDCTL_* variables, every wait within the deadline. */
function liveGlobals(cli: Map<string, FlagValue>, env: NodeJS.ProcessEnv): GlobalOptions | undefined {
  const g = resolveGlobals(cli, env);
  // Never a password prompt: there is no one at the terminal to answer it.
  if (g.user !== '' && g.password === '' && !g.user.includes(':')) return undefined;
  const within = (ns: number) => (ns > 0 ? Math.min(ns, LIVE_DEADLINE_NS) : LIVE_DEADLINE_NS);
  return { ...g, debug: false, debugExtra: undefined, dialTimeout: within(g.dialTimeout), commandTimeout: within(g.commandTimeout) };
}

/** Asks the cluster for the values of `kind`; throws as the call fails. */
async function fetchLive(kind: LiveKind, g: GlobalOptions, ctx: Context, opened: (close: () => void) => void): Promise<Candidate[]> {
  const { EtcdClient, resolveClientConfig } = await import('../src/client/client.js');
  const client = new EtcdClient(await resolveClientConfig(g, ctx.io));
  opened(() => client.close());
  switch (kind) {
    case 'members':
      return (await client.cluster.memberList({})).msg.members.map((m) => memberCandidate(m.ID, m.name));
    case 'leases':
      return (await client.lease.leaseLeases({})).msg.leases.map((l) => leaseCandidate(l.ID));
    case 'users':
      return (await client.auth.userList({})).msg.users.map((value) => ({ value }));
    case 'roles':
      return (await client.auth.roleList({})).msg.roles.map((value) => ({ value }));
  }
}

/** The live values of `kind`, or none when the cluster gives none within the deadline. */
async function liveValues(kind: LiveKind, cli: Map<string, FlagValue>, ctx: Context): Promise<Candidate[]> {
  const g = liveGlobals(cli, ctx.env);
  if (!g) return [];
  let close: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Candidate[]>((resolve) => {
    timer = setTimeout(() => resolve([]), LIVE_DEADLINE_NS / 1e6);
  });
  try {
    return await Promise.race([fetchLive(kind, g, ctx, (c) => (close = c)).catch(() => []), deadline]);
  } finally {
    clearTimeout(timer);
    // (A client not yet made when the deadline passed goes with the process, which ends now.)
    close?.();
  }
}

async function runComplete(ctx: Context): Promise<void> {
  const req = readRequest(ctx.args);
  if (!req) return;
  // The tree this command is part of (its parents are linked before it runs).
  let root: CommandDef = completeCommand;
  while (root.parent) root = root.parent;
  const o = offer(root, req.words);
  const candidates = o.live ? liveCandidates(o, await liveValues(o.live, o.globals, ctx)) : o.candidates;
  ctx.text().completion(formatReply(req, o, candidates));
}

function runCompletion(ctx: Context): void {
  ctx.text().completion(completionScript(ctx.args[0] as Shell));
}

/** cobra's MatchAll(ExactArgs(1), OnlyValidArgs), with its messages. */
function oneShell(args: string[], path: string): string | undefined {
  if (args.length !== 1) return `accepts 1 arg(s), received ${args.length}`;
  if (!(SHELLS as readonly string[]).includes(args[0])) return `invalid argument ${goQuoteArg(args[0])} for ${goQuote(path)}`;
  return undefined;
}

export const completionCommand: CommandDef = {
  name: 'completion',
  use: 'completion [bash|zsh|fish|powershell]',
  short: 'Generate completion script',
  long: `To load completions:

Bash:

  $ source <(etcdctl-ts completion bash)

  # To load completions for each session, execute once:
  # Linux:
  $ etcdctl-ts completion bash > /etc/bash_completion.d/etcdctl-ts
  # macOS:
  $ etcdctl-ts completion bash > /usr/local/etc/bash_completion.d/etcdctl-ts

Zsh:

  # If shell completion is not already enabled in your environment,
  # you will need to enable it.  You can execute the following once:

  $ echo "autoload -U compinit; compinit" >> ~/.zshrc

  # To load completions for each session, execute once:
  $ etcdctl-ts completion zsh > "\${fpath[1]}/_etcdctl-ts"

  # You will need to start a new shell for this setup to take effect.

fish:

  $ etcdctl-ts completion fish | source

  # To load completions for each session, execute once:
  $ etcdctl-ts completion fish > ~/.config/fish/completions/etcdctl-ts.fish

PowerShell:

  PS> etcdctl-ts completion powershell | Out-String | Invoke-Expression

  # To load completions for every new session, run:
  PS> etcdctl-ts completion powershell > etcdctl-ts.ps1
  # and source this file from your PowerShell profile.
`,
  disableFlagsInUseLine: true,
  validArgs: [...SHELLS],
  checkArgs: oneShell,
  run: runCompletion,
  offline: true,
};

/** What the completion scripts call: `__complete <shell> <words...>` (src/completion/reply.ts). */
export const completeCommand: CommandDef = {
  name: '__complete',
  use: '__complete <shell> <words...>',
  short: 'Prints what to offer for the words being typed (used by the completion scripts)',
  hidden: true,
  disableFlagParsing: true,
  run: runComplete,
  offline: true,
};
