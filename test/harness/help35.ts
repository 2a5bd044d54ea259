/**
 * etcdctl 3.5's help pages, derived from facts transcribed from the etcd
 * source (github.com/etcd-io/etcd, tag v3.5.33, the newest 3.5 release):
 *
 *   - the command tree: Use, Short, Long and flags of every command, from
 *     etcdctl/ctlv3/ctl.go (the global flags) and etcdctl/ctlv3/command/*.go;
 *   - the page layout: the usage template and etcdFlagUsages of
 *     pkg/cobrautl/help.go, written through Go's text/tabwriter with
 *     (minwidth 0, tabwidth 8, padding 1, padchar '\t', flags 0);
 *   - what cobra v1.1.3 (etcdctl 3.5's) adds: the `help` command
 *     (InitDefaultHelpCmd), the `-h, --help` flag of the command being run
 *     (InitDefaultHelpFlag, "help for <name>"), UseLine's " [flags]", the
 *     sorting of commands and flags (pflag v1.0.5 sorts by name), and which
 *     flags are local or inherited (LocalFlags / InheritedFlags);
 *   - pflag's default texts (Flag.DefValue): bools "false"/"true" with
 *     NoOptDefVal "true" (hence `[=false]`), strings quoted with Go's %q,
 *     durations as time.Duration.String, string slices as "[a,b]".
 *
 * Nothing here is taken from etcdctl-ts's own command definitions. The pages
 * are checked in under test/fixtures/help35/ (scripts/gen-help35.mjs writes
 * them from this file); test/help35.test.ts compares etcdctl-ts's help with
 * them and checks this generator against the real etcdctl 3.4.23.
 *
 * VERSION: version.Version of v3.5.33 is "3.5.33"; etcdctl-ts reports itself as
 * 3.5.0 (`version`, README), so the root page is rendered with that number.
 */

import { PACKAGE_VERSION } from './run.js';

export const ETCD_TAG = 'v3.5.33';
export const VERSION_35 = '3.5.0';
export const API_VERSION_35 = '3.5';

/** pflag value types (Value.Type()); only "string" defaults are quoted in help. */
export type FlagKind = 'bool' | 'string' | 'int' | 'int64' | 'uint' | 'uint64' | 'duration' | 'stringSlice';

export interface Flag35 {
  name: string;
  short?: string;
  kind: FlagKind;
  /** The default as pflag stores it in Flag.DefValue (before %q quoting of strings). */
  def: string;
  usage: string;
  /** Declared with cmd.PersistentFlags() (shared with subcommands). */
  persistent?: boolean;
}

export interface Cmd35 {
  use: string;
  short: string;
  long?: string;
  /** Has a Run function (cobra's Runnable): listed under COMMANDS. */
  runnable: boolean;
  flags: Flag35[];
  subs: Cmd35[];
  parent?: Cmd35;
  /** cobra's DisableFlagsInUseLine: no " [flags]" after the usage line. */
  disableFlagsInUseLine?: boolean;
}

// Declaration helpers, one per pflag call used by etcdctl.
const boolF = (name: string, def: boolean, usage: string, short?: string): Flag35 => ({ name, short, kind: 'bool', def: String(def), usage });
const strF = (name: string, def: string, usage: string, short?: string): Flag35 => ({ name, short, kind: 'string', def, usage });
const int64F = (name: string, def: number, usage: string): Flag35 => ({ name, kind: 'int64', def: String(def), usage });
const uint64F = (name: string, def: number, usage: string): Flag35 => ({ name, kind: 'uint64', def: String(def), usage });
const intF = (name: string, def: number, usage: string): Flag35 => ({ name, kind: 'int', def: String(def), usage });
const durF = (name: string, def: string, usage: string): Flag35 => ({ name, kind: 'duration', def, usage });
const sliceF = (name: string, def: string[], usage: string): Flag35 => ({ name, kind: 'stringSlice', def: `[${def.join(',')}]`, usage });
const persistent = (f: Flag35): Flag35 => ({ ...f, persistent: true });

function cmd(use: string, short: string, opts: { long?: string; run?: boolean; flags?: Flag35[]; subs?: Cmd35[] } = {}): Cmd35 {
  return { use, short, long: opts.long, runnable: opts.run ?? (opts.subs === undefined), flags: opts.flags ?? [], subs: opts.subs ?? [] };
}

/** etcdctl 3.5's command tree (a fresh copy each call, so that a test may change it). */
export function tree35(): Cmd35 {
  // etcdctl/ctlv3/ctl.go: rootCmd and its PersistentFlags (defaultDialTimeout 2s,
  // defaultCommandTimeOut 5s, defaultKeepAliveTime 2s, defaultKeepAliveTimeOut 6s).
  const globals = [
    sliceF('endpoints', ['127.0.0.1:2379'], 'gRPC endpoints'),
    boolF('debug', false, 'enable client-side debug logging'),
    strF('write-out', 'simple', 'set the output format (fields, json, protobuf, simple, table)', 'w'),
    boolF('hex', false, 'print byte strings as hex encoded strings'),
    durF('dial-timeout', '2s', 'dial timeout for client connections'),
    durF('command-timeout', '5s', 'timeout for short running command (excluding dial timeout)'),
    durF('keepalive-time', '2s', 'keepalive time for client connections'),
    durF('keepalive-timeout', '6s', 'keepalive timeout for client connections'),
    boolF('insecure-transport', true, 'disable transport security for client connections'),
    boolF('insecure-discovery', true, 'accept insecure SRV records describing cluster endpoints'),
    boolF('insecure-skip-tls-verify', false, 'skip server certificate verification (CAUTION: this option should be enabled only for testing purposes)'),
    strF('cert', '', 'identify secure client using this TLS certificate file'),
    strF('key', '', 'identify secure client using this TLS key file'),
    strF('cacert', '', 'verify certificates of TLS-enabled secure servers using this CA bundle'),
    strF('user', '', 'username[:password] for authentication (prompt if password is not supplied)'),
    strF('password', '', "password for authentication (if this option is used, --user option shouldn't include password)"),
    strF('discovery-srv', '', 'domain name to query for SRV records describing cluster endpoints', 'd'),
    strF('discovery-srv-name', '', 'service name to query when using DNS discovery'),
  ].map(persistent);

  const subs: Cmd35[] = [
    // get_command.go
    cmd('get [options] <key> [range_end]', 'Gets the key or a range of keys', {
      flags: [
        strF('consistency', 'l', 'Linearizable(l) or Serializable(s)'),
        strF('order', '', 'Order of results; ASCEND or DESCEND (ASCEND by default)'),
        strF('sort-by', '', 'Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION'),
        int64F('limit', 0, 'Maximum number of results'),
        boolF('prefix', false, 'Get keys with matching prefix'),
        boolF('from-key', false, 'Get keys that are greater than or equal to the given key using byte compare'),
        int64F('rev', 0, 'Specify the kv revision'),
        boolF('keys-only', false, 'Get only the keys'),
        boolF('count-only', false, 'Get only the count'),
        boolF('print-value-only', false, 'Only write values when using the "simple" output format'),
      ],
    }),
    // put_command.go
    cmd('put [options] <key> <value> (<value> can also be given from stdin)', 'Puts the given key into the store', {
      long: `
Puts the given key into the store.

When <value> begins with '-', <value> is interpreted as a flag.
Insert '--' for workaround:

$ put <key> -- <value>
$ put -- <key> <value>

If <value> isn't given as a command line argument and '--ignore-value' is not specified,
this command tries to read the value from standard input.

If <lease> isn't given as a command line argument and '--ignore-lease' is not specified,
this command tries to read the value from standard input.

For example,
$ cat file | put <key>
will store the content of the file to <key>.
`,
      flags: [
        strF('lease', '0', 'lease ID (in hexadecimal) to attach to the key'),
        boolF('prev-kv', false, 'return the previous key-value pair before modification'),
        boolF('ignore-value', false, 'updates the key using its current value'),
        boolF('ignore-lease', false, 'updates the key using its current lease'),
      ],
    }),
    // del_command.go
    cmd('del [options] <key> [range_end]', 'Removes the specified key or range of keys [key, range_end)', {
      flags: [
        boolF('prefix', false, 'delete keys with matching prefix'),
        boolF('prev-kv', false, 'return deleted key-value pairs'),
        boolF('from-key', false, 'delete keys that are greater than or equal to the given key using byte compare'),
        boolF('range', false, 'delete range of keys'),
      ],
    }),
    // txn_command.go
    cmd('txn [options]', 'Txn processes all the requests in one transaction', {
      flags: [boolF('interactive', false, 'Input transaction in interactive mode', 'i')],
    }),
    // compaction_command.go
    cmd('compaction [options] <revision>', 'Compacts the event history in etcd', {
      flags: [boolF('physical', false, "'true' to wait for compaction to physically remove all old revisions")],
    }),
    // alarm_command.go
    cmd('alarm <subcommand>', 'Alarm related commands', {
      subs: [cmd('disarm', 'Disarms all alarms'), cmd('list', 'Lists all alarms')],
    }),
    // defrag_command.go
    cmd('defrag', 'Defragments the storage of the etcd members with given endpoints', {
      flags: [
        persistent(boolF('cluster', false, 'use all endpoints from the cluster member list')),
        strF('data-dir', '', 'Optional. If present, defragments a data directory not in use by etcd.'),
      ],
    }),
    // ep_command.go
    cmd('endpoint <subcommand>', 'Endpoint related commands', {
      flags: [persistent(boolF('cluster', false, 'use all endpoints from the cluster member list'))],
      subs: [
        cmd('health', 'Checks the healthiness of endpoints specified in `--endpoints` flag'),
        cmd('status', 'Prints out the status of endpoints specified in `--endpoints` flag', {
          long: `When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.
The items in the lists are endpoint, ID, version, db size, is leader, is learner, raft term, raft index, raft applied index, errors.
`,
        }),
        cmd('hashkv', 'Prints the KV history hash for each endpoint in --endpoints', {
          flags: [persistent(int64F('rev', 0, 'maximum revision to hash (default: all revisions)'))],
        }),
      ],
    }),
    // move_leader_command.go
    cmd('move-leader <transferee-member-id>', 'Transfers leadership to another etcd cluster member.'),
    // watch_command.go
    cmd('watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]', 'Watches events stream on keys or prefixes', {
      flags: [
        boolF('interactive', false, 'Interactive mode', 'i'),
        boolF('prefix', false, 'Watch on a prefix if prefix is set'),
        int64F('rev', 0, 'Revision to start watching'),
        boolF('prev-kv', false, 'get the previous key-value pair before the event happens'),
        boolF('progress-notify', false, 'get periodic watch progress notification from server'),
      ],
    }),
    // version_command.go
    cmd('version', 'Prints the version of etcdctl'),
    // lease_command.go (the --once text is 3.5's, mangled by a rename of exits to cobrautl.Exits)
    cmd('lease <subcommand>', 'Lease related commands', {
      subs: [
        cmd('grant <ttl>', 'Creates leases'),
        cmd('revoke <leaseID>', 'Revokes leases'),
        cmd('timetolive <leaseID> [options]', 'Get lease information', {
          flags: [boolF('keys', false, 'Get keys attached to this lease')],
        }),
        cmd('list', 'List all active leases'),
        cmd('keep-alive [options] <leaseID>', 'Keeps leases alive (renew)', {
          flags: [boolF('once', false, 'Resets the keep-alive time to its original value and cobrautl.Exits immediately')],
        }),
      ],
    }),
    // member_command.go
    cmd('member <subcommand>', 'Membership related commands', {
      subs: [
        cmd('add <memberName> [options]', 'Adds a member into the cluster', {
          flags: [
            strF('peer-urls', '', 'comma separated peer URLs for the new member.'),
            boolF('learner', false, 'indicates if the new member is raft learner'),
          ],
        }),
        cmd('remove <memberID>', 'Removes a member from the cluster'),
        cmd('update <memberID> [options]', 'Updates a member in the cluster', {
          flags: [strF('peer-urls', '', 'comma separated peer URLs for the updated member.')],
        }),
        cmd('list', 'Lists all members in the cluster', {
          long: `When --write-out is set to simple, this command prints out comma-separated member lists for each endpoint.
The items in the lists are ID, Status, Name, Peer Addrs, Client Addrs, Is Learner.
`,
        }),
        cmd('promote <memberID>', 'Promotes a non-voting member in the cluster', {
          long: `Promotes a non-voting learner member to a voting one in the cluster.
`,
        }),
      ],
    }),
    // snapshot_command.go (defaultName "default", defaultInitialAdvertisePeerURLs
    // "http://localhost:2380", initialClusterFromName: "<name>=http://localhost:2380")
    cmd('snapshot <subcommand>', 'Manages etcd node snapshots', {
      subs: [
        cmd('save <filename>', 'Stores an etcd node backend snapshot to a given file'),
        cmd('restore <filename> [options]', 'Restores an etcd member snapshot to an etcd directory', {
          long: 'Moved to `etcdutl snapshot restore ...`\n',
          flags: [
            strF('data-dir', '', 'Path to the data directory'),
            strF('wal-dir', '', 'Path to the WAL directory (use --data-dir if none given)'),
            strF('initial-cluster', 'default=http://localhost:2380', 'Initial cluster configuration for restore bootstrap'),
            strF('initial-cluster-token', 'etcd-cluster', 'Initial cluster token for the etcd cluster during restore bootstrap'),
            strF('initial-advertise-peer-urls', 'http://localhost:2380', "List of this member's peer URLs to advertise to the rest of the cluster"),
            strF('name', 'default', 'Human-readable name for this member'),
            boolF('skip-hash-check', false, 'Ignore snapshot integrity hash value (required if copied from data directory)'),
            uint64F('bump-revision', 0, 'How much to increase the latest revision after restore'),
            boolF('mark-compacted', false, 'Mark the latest revision after restore as the point of scheduled compaction (required if --bump-revision > 0, disallowed otherwise)'),
            uint64F('initial-memory-map-size', 0, 'Initial memory map size of the database in bytes. It uses the default value if not defined or defined to 0'),
          ],
        }),
        cmd('status <filename>', '[deprecated] Gets backend snapshot status of a given file', {
          long: `When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.
The items in the lists are hash, revision, total keys, total size.

Moved to 'etcdutl snapshot status ...'
`,
        }),
      ],
    }),
    // make_mirror_command.go
    cmd('make-mirror [options] <destination>', 'Makes a mirror at the destination etcd cluster', {
      flags: [
        strF('prefix', '', 'Key-value prefix to mirror'),
        strF('dest-prefix', '', 'destination prefix to mirror a prefix to a different prefix in the destination cluster'),
        boolF('no-dest-prefix', false, 'mirror key-values to the root of the destination cluster'),
        strF('dest-cert', '', 'Identify secure client using this TLS certificate file for the destination cluster'),
        strF('dest-key', '', 'Identify secure client using this TLS key file'),
        strF('dest-cacert', '', 'Verify certificates of TLS enabled secure servers using this CA bundle'),
        boolF('dest-insecure-transport', true, 'Disable transport security for client connections'),
        strF('dest-user', '', 'Destination username[:password] for authentication (prompt if password is not supplied)'),
        strF('dest-password', '', "Destination password for authentication (if this option is used, --user option shouldn't include password)"),
      ],
    }),
    // lock_command.go (lockTTL starts at 10)
    cmd('lock <lockname> [exec-command arg1 arg2 ...]', 'Acquires a named lock', {
      flags: [intF('ttl', 10, 'timeout for session')],
    }),
    // elect_command.go
    cmd('elect <election-name> [proposal]', 'Observes and participates in leader election', {
      flags: [boolF('listen', false, 'observation mode', 'l')],
    }),
    // auth_command.go
    cmd('auth <enable or disable>', 'Enable or disable authentication', {
      subs: [cmd('enable', 'Enables authentication'), cmd('disable', 'Disables authentication'), cmd('status', 'Returns authentication status')],
    }),
    // user_command.go
    cmd('user <subcommand>', 'User related commands', {
      subs: [
        cmd('add <user name or user:password> [options]', 'Adds a new user', {
          flags: [
            boolF('interactive', true, 'Read password from stdin instead of interactive terminal'),
            strF('new-user-password', '', 'Supply password from the command line flag'),
            boolF('no-password', false, 'Create a user without password (CN based auth only)'),
          ],
        }),
        cmd('delete <user name>', 'Deletes a user'),
        cmd('get <user name> [options]', 'Gets detailed information of a user', {
          flags: [boolF('detail', false, 'Show permissions of roles granted to the user')],
        }),
        cmd('list', 'Lists all users'),
        cmd('passwd <user name> [options]', 'Changes password of user', {
          flags: [boolF('interactive', true, 'If true, read password from stdin instead of interactive terminal')],
        }),
        cmd('grant-role <user name> <role name>', 'Grants a role to a user'),
        cmd('revoke-role <user name> <role name>', 'Revokes a role from a user'),
      ],
    }),
    // role_command.go
    cmd('role <subcommand>', 'Role related commands', {
      subs: [
        cmd('add <role name>', 'Adds a new role'),
        cmd('delete <role name>', 'Deletes a role'),
        cmd('get <role name>', 'Gets detailed information of a role'),
        cmd('list', 'Lists all roles'),
        cmd('grant-permission [options] <role name> <permission type> <key> [endkey]', 'Grants a key to a role', {
          flags: [
            boolF('prefix', false, 'grant a prefix permission'),
            boolF('from-key', false, 'grant a permission of keys that are greater than or equal to the given key using byte compare'),
          ],
        }),
        cmd('revoke-permission <role name> <key> [endkey]', 'Revokes a key from a role', {
          flags: [
            boolF('prefix', false, 'revoke a prefix permission'),
            boolF('from-key', false, 'revoke a permission of keys that are greater than or equal to the given key using byte compare'),
          ],
        }),
      ],
    }),
    // check.go
    cmd('check <subcommand>', 'commands for checking properties of the etcd cluster', {
      subs: [
        cmd('perf [options]', 'Check the performance of the etcd cluster', {
          flags: [
            strF('load', 's', "The performance check's workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)"),
            strF('prefix', '/etcdctl-check-perf/', "The prefix for writing the performance check's keys."),
            boolF('auto-compact', false, 'Compact storage with last revision after test is finished.'),
            boolF('auto-defrag', false, 'Defragment storage after test is finished.'),
          ],
        }),
        cmd('datascale [options]', 'Check the memory usage of holding data for different workloads on a given server endpoint.', {
          long: 'If no endpoint is provided, localhost will be used. If multiple endpoints are provided, first endpoint will be used.',
          flags: [
            strF('load', 's', "The datascale check's workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)"),
            strF('prefix', '/etcdctl-check-datascale/', "The prefix for writing the datascale check's keys."),
            boolF('auto-compact', false, 'Compact storage with last revision after test is finished.'),
            boolF('auto-defrag', false, 'Defragment storage after test is finished.'),
          ],
        }),
      ],
    }),
    // cobra v1.1.3 command.go, InitDefaultHelpCmd (c is the root, named etcdctl).
    cmd('help [command]', 'Help about any command', {
      long: `Help provides help for any command in the application.
Simply type etcdctl help [path to command] for full details.`,
    }),
  ];
  const root = cmd('etcdctl', 'A simple command line client for etcd3.', { run: false, flags: globals, subs });
  link(root);
  return root;
}

/** Sets the parent links (after a test adds or replaces commands, call it again). */
export function link(c: Cmd35): void {
  for (const s of c.subs) {
    s.parent = c;
    link(s);
  }
}

/** cobra's Name(): the first word of Use. */
export function nameOf(c: Cmd35): string {
  return c.use.split(' ')[0];
}

/** cobra's Commands(): sorted by name (EnableCommandSorting). */
function commands(c: Cmd35): Cmd35[] {
  return [...c.subs].sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0));
}

/** Finds the command named by `path` (exact names), or throws. */
export function find(root: Cmd35, path: readonly string[]): Cmd35 {
  let c = root;
  for (const name of path) {
    const next = c.subs.find((s) => nameOf(s) === name);
    if (!next) throw new Error(`no command ${JSON.stringify(path)} in the 3.5 tree`);
    c = next;
  }
  return c;
}

/** Every command's path below the root, depth first in cobra's order; [] is the root. */
export function allPaths(root: Cmd35): string[][] {
  const out: string[][] = [[]];
  const walk = (c: Cmd35, prefix: string[]) => {
    for (const s of commands(c)) {
      out.push([...prefix, nameOf(s)]);
      walk(s, [...prefix, nameOf(s)]);
    }
  };
  walk(root, []);
  return out;
}

/** Go's %q for the ASCII texts etcdctl's defaults are made of (strconv.Quote). */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** pkg/cobrautl/help.go etcdFlagUsages: one line per flag, sorted by name (pflag's VisitAll). */
function flagUsages(flags: Flag35[]): string {
  const sorted = [...flags].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let out = '';
  for (const f of sorted) {
    let line = f.short ? `  -${f.short}, --${f.name}` : `      --${f.name}`;
    const noOpt = f.kind === 'bool'; // pflag's BoolVar sets NoOptDefVal "true"
    if (noOpt) line += '[';
    line += '=' + (f.kind === 'string' ? goQuote(f.def) : f.def);
    if (noOpt) line += ']';
    out += `${line}\t${f.usage}\n`;
  }
  return out;
}

/** The parents' persistent flags, the nearest parent's first when names repeat (cobra's parentsPflags). */
function parentsPflags(c: Cmd35): Flag35[] {
  const out: Flag35[] = [];
  for (let p = c.parent; p; p = p.parent) {
    for (const f of p.flags) if (f.persistent && !out.some((o) => o.name === f.name)) out.push(f);
  }
  return out;
}

export interface RenderOptions {
  /**
   * Whether the page lists `-h, --help`: cobra adds the flag to the command
   * being run (and to the target of `help <cmd>`) only. Default true; false
   * for the root page `help <unknown topic>` prints.
   */
  helpFlag?: boolean;
  version?: string;
  apiVersion?: string;
  /** A line under the root page's NAME line (etcdctl-ts's own: which tool answered). */
  nameLine?: string;
}

/** The help page of the command at `path` as pkg/cobrautl's UsageFunc prints it. */
export function renderPage(root: Cmd35, path: readonly string[], opts: RenderOptions = {}): string {
  const c = find(root, path);
  const own = [...c.flags];
  if (opts.helpFlag !== false) own.push(boolF('help', false, `help for ${nameOf(c)}`, 'h'));
  const inheritedAll = parentsPflags(c);
  // LocalFlags: this command's flags (own persistent ones included) that no parent declares persistent.
  const local = own.filter((f) => !inheritedAll.some((p) => p.name === f.name));
  // InheritedFlags: the parents' persistent flags that are not local.
  const inherited = inheritedAll.filter((p) => !local.some((f) => f.name === p.name));
  const isRoot = c.parent === undefined;

  // template func cmdName: the names up to (not including) the first ancestor named like startCmd.
  const cmdName = (x: Cmd35, start: Cmd35): string => {
    const parts = [nameOf(x)];
    for (let cur = x; cur.parent && nameOf(cur.parent) !== nameOf(start); cur = cur.parent) parts.unshift(nameOf(cur.parent));
    return parts.join(' ');
  };
  const commandPath = (x: Cmd35): string => (x.parent ? `${commandPath(x.parent)} ${nameOf(x)}` : nameOf(x));
  let useLine = c.parent ? `${commandPath(c.parent)} ${c.use}` : c.use;
  if (!c.disableFlagsInUseLine && local.length + inherited.length > 0 && !useLine.includes('[flags]')) useLine += ' [flags]';
  let rootOf = c;
  while (rootOf.parent) rootOf = rootOf.parent;

  let t = 'NAME:\n';
  t += isRoot ? `\t${nameOf(c)} - ${c.short}\n` : `\t${cmdName(c, rootOf)} - ${c.short}\n`;
  if (isRoot && opts.nameLine !== undefined) t += `\t${opts.nameLine}\n`;
  t += `\nUSAGE:\n\t${useLine}\n`;
  if (isRoot) t += `\nVERSION:\n\t${opts.version ?? VERSION_35}\n`;
  if (c.subs.length > 0) t += `\nAPI VERSION:\n\t${opts.apiVersion ?? API_VERSION_35}\n`;
  if (c.subs.length > 0) {
    t += '\n\nCOMMANDS:\n';
    const walk = (x: Cmd35) => {
      for (const s of commands(x)) {
        if (s.runnable) t += `\t${cmdName(s, c)}\t${s.short}\n`;
        walk(s);
      }
    };
    walk(c);
  }
  if (c.long) {
    t += '\nDESCRIPTION:\n';
    for (const line of goTrim(c.long, '\n\t ').split('\n')) t += `\t${line}\n`;
  }
  if (local.length > 0) t += `\nOPTIONS:\n${flagUsages(local)}`;
  if (inherited.length > 0) t += `\nGLOBAL OPTIONS:\n${flagUsages(inherited)}`;
  t += '\n';
  return goTabwriter(t);
}

/** Go's strings.Trim(s, cutset). */
function goTrim(s: string, cutset: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && cutset.includes(s[a])) a++;
  while (b > a && cutset.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

/**
 * Go's text/tabwriter with etcdctl's settings (minwidth 0, tabwidth 8,
 * padding 1, padchar '\t', no flags): cells end at a tab, the text after a
 * line's last tab is not part of any column, and every column block (the
 * consecutive lines that have a cell in that column) is as wide as its widest
 * cell plus the padding, rounded up to a tab stop and filled with tabs.
 */
export function goTabwriter(text: string): string {
  const lines = text.split('\n').map((l) => l.split('\t'));
  const runes = (s: string) => [...s].length;
  const widths: number[] = [];
  let out = '';
  const writeLines = (line0: number, line1: number) => {
    for (let i = line0; i < line1; i++) {
      const line = lines[i];
      for (let j = 0; j < line.length; j++) {
        out += line[j];
        if (j < widths.length) {
          const cellw = Math.ceil(widths[j] / 8) * 8;
          out += '\t'.repeat(Math.ceil((cellw - runes(line[j])) / 8));
        }
      }
      if (i + 1 < lines.length) out += '\n';
    }
  };
  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let th = line0; th < line1; th++) {
      if (column >= lines[th].length - 1) continue;
      writeLines(line0, th);
      line0 = th;
      let width = 0;
      for (; th < line1; th++) {
        const line = lines[th];
        if (column >= line.length - 1) break;
        width = Math.max(width, runes(line[column]) + 1);
      }
      widths.push(width);
      format(line0, th);
      widths.pop();
      line0 = th;
    }
    writeLines(line0, line1);
  };
  format(0, lines.length);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Fixture files

/** The fixture file of a page: the command path joined by "_" ("etcdctl" for the root). */
export function fixtureName(path: readonly string[], opts: RenderOptions = {}): string {
  const base = path.length === 0 ? 'etcdctl' : path.join('_');
  return `${base}${opts.helpFlag === false ? '.no-help-flag' : ''}.txt`;
}

/** Every page of the fixture set: each command's, and the root's without its help flag. */
export function fixturePages(): { name: string; path: string[]; opts: RenderOptions; text: string }[] {
  const root = tree35();
  const pages = allPaths(root).map((path) => ({ path, opts: {} as RenderOptions }));
  pages.push({ path: [], opts: { helpFlag: false } });
  return pages.map((p) => ({ ...p, name: fixtureName(p.path, p.opts), text: renderPage(root, p.path, p.opts) }));
}

// ---------------------------------------------------------------------------------------------
// etcdctl-ts's documented differences (README, "Differences from etcdctl")

/** The line etcdctl-ts's root page has under etcdctl's NAME line: its own name and version (package.json's). */
export const OUR_NAME_LINE = `(etcdctl-ts ${PACKAGE_VERSION}, following etcdctl 3.5)`;

/**
 * The 3.5 tree with what etcdctl-ts deliberately does otherwise, each stated here:
 *
 *   - `get` also takes etcdctl 3.6's --min-mod-rev, --max-mod-rev,
 *     --min-create-rev and --max-create-rev (v3.6.0 get_command.go, Int64Var,
 *     default 0, "Minimum/Maximum modification/create revision");
 *   - `make-mirror` also takes 3.6's --max-txn-ops (UintVar, default
 *     defaultMaxTxnOps 128) and --rev (Int64Var, default 0), v3.6.0
 *     make_mirror_command.go;
 *   - `snapshot status` and `snapshot restore` are not marked deprecated
 *     (README): status's Short has no "[deprecated] " and neither Long has
 *     the "Moved to `etcdutl snapshot ...`" line (restore so has no Long);
 *   - etcdctl 3.6's `completion` command (v3.6.0 completion_command.go: Use,
 *     Short, Long, DisableFlagsInUseLine, no flags of its own), whose Long
 *     names the program etcdctl-ts where 3.6 names etcdctl: it tells what to
 *     type to load this program's scripts.
 */
export function treeOurs(): Cmd35 {
  const root = tree35();
  // Our global flags: --jq and --color (src/config/globals.ts).
  root.flags.push(
    persistent(strF('jq', '', 'filter the JSON output with a jq expression and print its results (implies --write-out=json)')),
    persistent(strF('color', 'auto', 'colour the output for a terminal: auto, always or never (auto honours NO_COLOR and FORCE_COLOR)')),
  );
  find(root, ['get']).flags.push(
    int64F('min-create-rev', 0, 'Minimum create revision'),
    int64F('max-create-rev', 0, 'Maximum create revision'),
    int64F('min-mod-rev', 0, 'Minimum modification revision'),
    int64F('max-mod-rev', 0, 'Maximum modification revision'),
    boolF('decode', false, 'Show values readably: Kubernetes objects as YAML-like text (or JSON with -w json), JSON pretty-printed, encrypted values named'),
  );
  find(root, ['make-mirror']).flags.push(
    int64F('rev', 0, 'Specify the kv revision to start to mirror'),
    { name: 'max-txn-ops', kind: 'uint', def: '128', usage: 'Maximum number of operations permitted in a transaction during syncing updates.' },
  );
  find(root, ['snapshot', 'save']).flags.push(
    intF('keep', 0, "After saving, keep this many of the newest snapshots whose names differ from the file's only in digits, and remove the older ones (0 keeps all)"),
    boolF('verify', false, 'Before putting the file in place, read it back as snapshot status does and print what it holds on stderr (a file that does not read back is removed, exit 5)'),
  );
  const status = find(root, ['snapshot', 'status']);
  status.short = status.short.replace(/^\[deprecated\] /, '');
  status.long = status.long!.replace("\nMoved to 'etcdutl snapshot status ...'\n", '');
  find(root, ['snapshot', 'restore']).long = undefined;
  root.subs.push({
    use: 'completion [bash|zsh|fish|powershell]',
    short: 'Generate completion script',
    long: COMPLETION_LONG_36.replace(/etcdctl/g, 'etcdctl-ts'),
    runnable: true,
    flags: [],
    subs: [],
    disableFlagsInUseLine: true,
  });
  root.subs.push(sandboxTree(), practiceTree());
  link(root);
  return root;
}

/** etcdctl-ts's own `sandbox` (README, "A local etcd: sandbox"). */
function sandboxTree(): Cmd35 {
  const dir = persistent(strF('dir', '', 'Folder of the sandbox: data dirs, logs, certificates (default $XDG_STATE_HOME/etcdctl-ts/sandbox or ~/.local/state/etcdctl-ts/sandbox)'));
  const leaf = (use: string, short: string, flags: Flag35[] = [], long?: string): Cmd35 => ({ use, short, long, runnable: true, flags, subs: [] });
  return {
    use: 'sandbox <subcommand>',
    short: 'Runs a local etcd to practise on (etcdctl-ts)',
    runnable: false,
    flags: [dir],
    subs: [
      leaf('up', 'Starts etcd members on free loopback ports and prints the ETCDCTL_* settings that reach them', [
        intF('members', 1, 'How many members: 1 or 3'),
        boolF('tls', false, 'Serve TLS with kubeadm-layout certificates and require client certificates'),
      ], SANDBOX_UP_LONG),
      leaf('env', 'Prints the export lines of the running sandbox again'),
      leaf('status', 'Shows the members, their pids and health'),
      leaf('down', 'Stops every process the sandbox started and removes its folder', [boolF('keep', false, 'Keep the folder (data dirs, logs, certificates)')]),
    ],
  };
}

/** etcdctl-ts's own `practice` (README, "Practise for the exam"). */
function practiceTree(): Cmd35 {
  const dir = persistent(strF('dir', '', 'Folder of the drill: its etcd, certificates and files (default $XDG_STATE_HOME/etcdctl-ts/practice or ~/.local/state/etcdctl-ts/practice)'));
  const leaf = (use: string, short: string, long?: string): Cmd35 => ({ use, short, long, runnable: true, flags: [], subs: [] });
  return {
    use: 'practice <subcommand>',
    short: 'CKA-style etcd drills that check themselves (etcdctl-ts)',
    runnable: false,
    flags: [dir],
    subs: [
      leaf('list', 'Lists the drills'),
      leaf('start <drill>', 'Sets a drill up on a fresh sandbox and prints its task', `Starts a sandbox etcd for the drill (replacing any drill set up in --dir),
puts the drill's data and files in place and prints the task, worded as the
exam words it. Solve it with etcdctl (the real one or this one), then run
"etcdctl-ts practice check".
`),
      leaf('show', 'Prints the task of the drill set up again'),
      leaf('check', 'Checks the drill: what passed, what is missing, and the commands a candidate would type', `Looks at the cluster and the files (not at what was typed) and prints each thing
the task asks for as passed or missing, then the commands a candidate would
type. Exits 1 until everything has passed.
`),
      leaf('reset', "Stops the drill's etcd processes and removes its folder"),
    ],
  };
}

const SANDBOX_UP_LONG = `Starts real etcd processes (the etcd on the PATH; as root, Debian's etcd-server is
installed when there is none) on free loopback ports, detached, with their data
dirs and logs under --dir. With --tls the members serve TLS with certificates
laid out as kubeadm lays them out (pki/etcd/ca.crt, server.crt, peer.crt,
healthcheck-client.crt and their keys) and ask clients for a certificate.

stdout holds only the export lines, so that this works:

  eval "$(etcdctl-ts sandbox up --tls)"

A second up on the same folder says that it runs; members that stopped (a stale
pid) are started again on their data.
`;

/** etcdctl v3.6.0 etcdctl/ctlv3/command/completion_command.go, the Long of NewCompletionCommand. */
const COMPLETION_LONG_36 = `To load completions:

Bash:

  $ source <(etcdctl completion bash)

  # To load completions for each session, execute once:
  # Linux:
  $ etcdctl completion bash > /etc/bash_completion.d/etcdctl
  # macOS:
  $ etcdctl completion bash > /usr/local/etc/bash_completion.d/etcdctl

Zsh:

  # If shell completion is not already enabled in your environment,
  # you will need to enable it.  You can execute the following once:

  $ echo "autoload -U compinit; compinit" >> ~/.zshrc

  # To load completions for each session, execute once:
  $ etcdctl completion zsh > "\${fpath[1]}/_etcdctl"

  # You will need to start a new shell for this setup to take effect.

fish:

  $ etcdctl completion fish | source

  # To load completions for each session, execute once:
  $ etcdctl completion fish > ~/.config/fish/completions/etcdctl.fish

PowerShell:

  PS> etcdctl completion powershell | Out-String | Invoke-Expression

  # To load completions for every new session, run:
  PS> etcdctl completion powershell > etcdctl.ps1
  # and source this file from your PowerShell profile.
`;

/** The page etcdctl-ts is expected to print for `path`: 3.5's with the differences of treeOurs. */
export function expectedPage(path: readonly string[], opts: RenderOptions = {}): string {
  return renderPage(treeOurs(), path, { nameLine: OUR_NAME_LINE, ...opts });
}

/**
 * For differential tests that run the real etcdctl 3.4.23: its help page (a
 * flag error's usage or a help request) replaced by the page etcdctl-ts must
 * print for the same command (expectedPage). The command is read from the
 * NAME line; the root page keeps whether 3.4.23 listed its help flag.
 */
export function helpPageAs35(real34: string): string {
  const m = /^NAME:\n\t(.*?) - /.exec(real34);
  if (!m) throw new Error(`not a help page: ${JSON.stringify(real34.slice(0, 40))}`);
  const path = m[1] === 'etcdctl' ? [] : m[1].split(' ');
  const helpFlag = path.length > 0 || /\n {2}-h, --help\[=false\]\t/.test(real34);
  return expectedPage(path, { helpFlag });
}
