/** `-w table`: only some results have a table; the key-value ones do not. */
import type { Reply } from '../client/client.js';
import type { MemberListResponse } from '../proto/types.js';
import { memberListTable, UnsupportedPrinter, type PrintOptions, type Sink } from './printer.js';
import { renderTable } from './tablewriter.js';

export class TablePrinter extends UnsupportedPrinter {
  constructor(protected readonly out: Sink, protected readonly opts: PrintOptions) {
    super('table');
  }

  override memberList(r: Reply<MemberListResponse>): void {
    const { header, rows } = memberListTable(r.msg);
    this.out.write(renderTable(header, rows));
  }
}
