/**
 * cli-table3, loaded on first use: only a `-w table` output needs it, and
 * requiring it (with string-width and its emoji regex) at every start would
 * cost every command start-up time.
 *
 * This is the project's one CommonJS source file, because a synchronous
 * require is what both places it runs in need: the compiled tests are ES
 * modules, where `require` does not exist and `import()` is asynchronous, and
 * the printers are synchronous; in the bundle, esbuild sees this require,
 * bundles cli-table3 and still runs it only when this function is first called.
 */
import type CliTable3 from 'cli-table3';

export interface TableLibrary {
  Table: typeof CliTable3;
  /**
   * The display width cli-table3 pads and truncates by (string-width, after
   * removing colour codes; the widest line of a multi-line string). It is not
   * part of cli-table3's documented interface, but measuring with anything
   * else would let cli-table3 pad a cell differently from the column width we
   * give it, or cut it short with '…'.
   */
  strlen: (s: string) => number;
}

let loaded: TableLibrary | undefined;

export function tableLibrary(): TableLibrary {
  if (!loaded) {
    const Table = require('cli-table3') as typeof CliTable3;
    const { strlen } = require('cli-table3/src/utils') as { strlen: (s: string) => number };
    loaded = { Table, strlen };
  }
  return loaded;
}
