/** `-w table`: only some results have a table; the key-value ones do not. */
import type { Reply } from '../client/client.js';
import type { MemberListResponse } from '../proto/types.gen.js';
import {
  endpointHashKVTable, endpointHealthTable, endpointStatusTable, memberListTable, UnsupportedPrinter,
  type EndpointHashKV, type EndpointHealth, type EndpointStatus, type PrintOptions,
} from './printer.js';
import type { Sink } from '../io/types.js';
import { renderTable } from '../go/tablewriter.js';
import { snapshotStatusTable, type SnapshotStatus } from './snapshot.js';

export class TablePrinter extends UnsupportedPrinter {
  constructor(protected readonly out: Sink, protected readonly opts: PrintOptions) {
    super('table');
  }

  override memberList(r: Reply<MemberListResponse>): void {
    const { header, rows } = memberListTable(r.msg);
    this.out.write(renderTable(header, rows));
  }

  endpointHealth(list: EndpointHealth[]): void {
    const { header, rows } = endpointHealthTable(list);
    this.out.write(renderTable(header, rows));
  }

  endpointStatus(list: EndpointStatus[]): void {
    const { header, rows } = endpointStatusTable(list);
    this.out.write(renderTable(header, rows));
  }

  endpointHashKV(list: EndpointHashKV[]): void {
    const { header, rows } = endpointHashKVTable(list);
    this.out.write(renderTable(header, rows));
  }

  snapshotStatus(s: SnapshotStatus): void {
    const { header, rows } = snapshotStatusTable(s);
    this.out.write(renderTable(header, rows));
  }
}
