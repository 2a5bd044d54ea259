/** The command tree, in the order etcdctl registers it. */
import type { CommandDef } from '../src/cli/types.js';
import { compactionCommand, delCommand, getCommand, putCommand } from './kv.js';
import { versionCommand } from './version.js';
import { txnCommand } from './txn.js';
import { watchCommand } from './watch.js';
import { memberCommand } from './member.js';
import { leaseCommand } from './lease.js';
import { helpCommand } from './help.js';
import { checkCommand } from './check.js';
import { lockCommand } from './lock.js';
import { mirrorCommand } from './mirror.js';
import { electCommand } from './elect.js';
import { authCommand } from './auth.js';
import { userCommand } from './user.js';
import { roleCommand } from './role.js';
import { endpointCommand } from './endpoint.js';
import { alarmCommand, defragCommand, moveLeaderCommand } from './maintenance.js';
import { snapshotCommand } from './snapshot.js';
import { completeCommand, completionCommand } from './completion.js';
import { sandboxCommand } from './sandbox.js';
import { practiceCommand } from './practice.js';

export function rootCommand(): CommandDef {
  return {
    name: 'etcdctl',
    use: 'etcdctl',
    short: 'A simple command line client for etcd3.',
    subcommands: [getCommand, putCommand, delCommand, txnCommand, compactionCommand, alarmCommand, defragCommand, endpointCommand, moveLeaderCommand, watchCommand, versionCommand, leaseCommand, memberCommand, snapshotCommand, authCommand, userCommand, roleCommand, mirrorCommand, lockCommand, electCommand, checkCommand, completionCommand, sandboxCommand, practiceCommand, helpCommand, completeCommand],
  };
}
