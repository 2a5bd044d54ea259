/** `-w table`: only some results have a table; the key-value ones do not. */
import type { PrintOptions, Sink } from './printer.js';
import { UnsupportedPrinter } from './printer.js';

export class TablePrinter extends UnsupportedPrinter {
  constructor(protected readonly out: Sink, protected readonly opts: PrintOptions) {
    super('table');
  }
}
