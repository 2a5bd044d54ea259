/** `-w table`: only some results have a table; the key-value ones do not. */
import type { Reply } from '../client/client.js';
import type { MemberListResponse } from '../proto/types.gen.js';
import {
  endpointHashKVTable, endpointHealthTable, endpointStatusTable, memberListTable, UnsupportedPrinter,
  type EndpointHashKV, type EndpointHealth, type EndpointStatus, type PrintOptions,
} from './printer.js';
import type { Sink } from '../io/types.js';
import { renderTable } from '../go/tablewriter.js';
import { NO_PAINT, type Palette } from '../io/colour.js';
import { dbHashKVTable, snapshotStatusTable, type DbHashKV, type SnapshotStatus } from './snapshot.js';

export class TablePrinter extends UnsupportedPrinter {
  constructor(protected readonly out: Sink, protected readonly opts: PrintOptions) {
    super('table');
  }

  private get palette(): Palette {
    return (this.opts.paint ?? NO_PAINT).out;
  }

  /** etcdctl's table; on a terminal, the header in bold. */
  private draw(header: string[], rows: string[][]): void {
    this.out.write(renderTable(header, rows, this.palette.strong));
  }

  override memberList(r: Reply<MemberListResponse>): void {
    const { header, rows } = memberListTable(r.msg, this.palette);
    this.draw(header, rows);
  }

  endpointHealth(list: EndpointHealth[]): void {
    const { header, rows } = endpointHealthTable(list);
    this.draw(header, rows);
  }

  endpointStatus(list: EndpointStatus[]): void {
    const { header, rows } = endpointStatusTable(list);
    this.draw(header, rows);
  }

  endpointHashKV(list: EndpointHashKV[]): void {
    const { header, rows } = endpointHashKVTable(list);
    this.draw(header, rows);
  }

  snapshotStatus(s: SnapshotStatus): void {
    const { header, rows } = snapshotStatusTable(s);
    this.draw(header, rows);
  }

  dbHashKV(h: DbHashKV): void {
    const { header, rows } = dbHashKVTable(h);
    this.draw(header, rows);
  }
}
