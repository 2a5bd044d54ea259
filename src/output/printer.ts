/**
 * The output layer: one Printer per --write-out format, with one method per
 * kind of result. Commands hand results to the printer and print nothing
 * themselves; printers never touch the network.
 */
import type { Reply } from '../client/client.js';
import { EtcdctlError, ExitCode } from '../errors.js';
import type { RangeResponse, PutResponse, DeleteRangeResponse, TxnResponse, WatchResponse, MemberListResponse } from '../proto/types.js';

/** Where printers write: raw bytes or text. */
export interface Sink {
  write(chunk: string | Uint8Array): void;
}

export interface PrintOptions {
  hex: boolean;
  /** get --print-value-only (simple format only). */
  valueOnly: boolean;
}

export interface Printer {
  get(r: Reply<RangeResponse>): void;
  put(r: Reply<PutResponse>): void;
  del(r: Reply<DeleteRangeResponse>): void;
  txn(r: Reply<TxnResponse>): void;
  watch(r: Reply<WatchResponse>): void;
  memberList(r: Reply<MemberListResponse>): void;
}

export const FORMATS = ['simple', 'json', 'protobuf', 'fields', 'table'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(name: string): name is Format {
  return (FORMATS as readonly string[]).includes(name);
}

/** The error etcdctl gives when a command has no rendering in the chosen format. */
export function unsupported(format: string): EtcdctlError {
  return new EtcdctlError(`${format} not supported as output format`, ExitCode.BadFeature);
}

/** A printer whose every method fails: the base for formats that support only some kinds. */
export class UnsupportedPrinter implements Printer {
  constructor(protected readonly format: string) {}
  get(_r: Reply<RangeResponse>): void { throw unsupported(this.format); }
  put(_r: Reply<PutResponse>): void { throw unsupported(this.format); }
  del(_r: Reply<DeleteRangeResponse>): void { throw unsupported(this.format); }
  txn(_r: Reply<TxnResponse>): void { throw unsupported(this.format); }
  watch(_r: Reply<WatchResponse>): void { throw unsupported(this.format); }
  memberList(_r: Reply<MemberListResponse>): void { throw unsupported(this.format); }
}

/** The rows etcdctl shows for a member list (simple and table formats). */
export function memberListTable(r: MemberListResponse): { header: string[]; rows: string[][] } {
  return {
    header: ['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs', 'Is Learner'],
    rows: r.members.map((m) => [
      BigInt.asUintN(64, m.ID).toString(16),
      m.name === '' ? 'unstarted' : 'started',
      m.name,
      m.peerURLs.join(','),
      m.clientURLs.join(','),
      String(m.isLearner),
    ]),
  };
}
