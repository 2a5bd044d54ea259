/** version: needs no server. */
import type { CommandDef } from '../src/cli/types.js';
import { API_VERSION, ETCDCTL_TS_VERSION, ETCDCTL_VERSION } from '../src/cli/help.js';

export const versionCommand: CommandDef = {
  name: 'version',
  use: 'version',
  short: 'Prints the version of etcdctl',
  run: (ctx) => ctx.text().version(ETCDCTL_VERSION, API_VERSION, ETCDCTL_TS_VERSION),
  offline: true,
};
