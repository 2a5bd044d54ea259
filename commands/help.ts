/** help [command]: the same page as `<command> --help`. */
import type { CommandDef } from '../src/cli/types.js';

export const helpCommand: CommandDef = {
  name: 'help',
  use: 'help [command]',
  short: 'Help about any command',
  long: `Help provides help for any command in the application.
Simply type etcdctl help [path to command] for full details.`,
  run: (ctx) => ctx.help(ctx.args),
};
