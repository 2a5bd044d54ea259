import { EtcdctlError, ExitCode } from '../errors.js';
import { isFormat, type Printer, type PrintOptions } from './printer.js';
import type { Sink } from '../io/types.js';
import { SimplePrinter } from './simple.js';
import { FieldsPrinter } from './fields.js';
import { JsonPrinter } from './json.js';
import { ProtobufPrinter } from './protobuf.js';
import { TablePrinter } from './table.js';

export type { Printer, PrintOptions } from './printer.js';
export { TextPrinter } from './text.js';

/** The printer for a --write-out value; an unknown name fails as etcdctl fails. */
export function createPrinter(format: string, out: Sink, opts: PrintOptions, err: Sink = out): Printer {
  if (!isFormat(format)) throw new EtcdctlError('unsupported output format', ExitCode.BadFeature);
  switch (format) {
    case 'simple': return new SimplePrinter(out, opts, err);
    case 'fields': return new FieldsPrinter(out, opts);
    case 'json': return new JsonPrinter(out, opts);
    case 'protobuf': return new ProtobufPrinter(out);
    case 'table': return new TablePrinter(out, opts);
  }
}
