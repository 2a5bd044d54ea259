/**
 * What `sandbox` prints. Its stdout holds only the `export ETCDCTL_*` lines, so
 * that `eval "$(etcdctl-ts sandbox up)"` works; what a person reads goes to
 * stderr.
 */
import type { Sink } from '../io/types.js';
import type { Palette } from '../io/colour.js';
import { renderTable } from '../go/tablewriter.js';

export interface SandboxSummary {
  dir: string;
  tls: boolean;
  members: { name: string; pid?: number; clientURL: string; peerURL: string; dataDir: string }[];
}

export interface SandboxMemberRow {
  name: string;
  pid?: number;
  clientURL: string;
  peerURL: string;
  dataDir: string;
  running: boolean;
  error: string;
}

export class SandboxPrinter {
  constructor(
    private readonly out: Sink,
    private readonly err: Sink,
    private readonly outPaint: Palette,
    private readonly errPaint: Palette,
  ) {}

  /** The `export NAME=value` lines. */
  exports(lines: string): void {
    this.out.write(lines);
  }

  /** A progress line (installing etcd, a stale pid). */
  note(line: string): void {
    this.err.write(`${line}\n`);
  }

  /** up: what started, and how to use it. */
  started(s: SandboxSummary, how: 'started' | 'restarted', dirFlag: string, piped: boolean): void {
    const n = s.members.length;
    const verb = how === 'started' ? 'Started' : 'Restarted';
    this.err.write(this.errPaint.good(`${verb} a sandbox etcd${s.tls ? ' with TLS' : ''}: ${n} member${n === 1 ? '' : 's'} in ${s.dir}`) + '\n');
    for (const m of s.members) this.err.write(`  ${m.name}  pid ${m.pid ?? '-'}  ${m.clientURL}  data ${m.dataDir}\n`);
    if (s.tls) this.err.write(`  certificates as kubeadm lays them out: ${s.dir}/pki/etcd/{ca,server,peer,healthcheck-client}.{crt,key}\n`);
    if (!piped) {
      this.err.write(`Point etcdctl and etcdctl-ts at it with:  eval "$(etcdctl-ts sandbox env${dirFlag})"\n`);
    }
    this.err.write(`Stop it with:  etcdctl-ts sandbox down${dirFlag}\n`);
  }

  /** status: a table of the members. */
  status(dir: string, tls: boolean, rows: SandboxMemberRow[]): void {
    this.out.write(`sandbox in ${dir}${tls ? ' (TLS)' : ''}\n`);
    const p = this.outPaint;
    this.out.write(renderTable(
      ['name', 'pid', 'client url', 'peer url', 'data dir', 'health'],
      rows.map((r) => [
        r.name,
        r.pid === undefined ? '-' : String(r.pid),
        r.clientURL,
        r.peerURL,
        r.dataDir,
        r.error === '' ? p.good('healthy') : p.bad(r.error),
      ]),
      p.strong,
    ));
  }

  /** down: the processes stopped, and whether the folder went. */
  stopped(dir: string, stopped: { name: string; pid: number }[], removed: boolean): void {
    for (const s of stopped) this.err.write(`stopped ${s.name} (pid ${s.pid})\n`);
    if (stopped.length === 0) this.err.write('no sandbox process was running\n');
    this.err.write(removed ? `removed ${dir}\n` : `kept ${dir}\n`);
  }
}
