/**
 * What `practice` prints: the drills, a drill's task (stdout), the result of
 * a check with the commands a candidate would type (stdout), and the notes
 * a person reads on the side (stderr).
 */
import type { Sink } from '../io/types.js';
import type { Palette } from '../io/colour.js';
import type { CheckItem } from '../practice/drill.js';

export class PracticePrinter {
  constructor(
    private readonly out: Sink,
    private readonly err: Sink,
    private readonly outPaint: Palette,
  ) {}

  note(line: string): void {
    this.err.write(`${line}\n`);
  }

  /** list: one line per drill; the one set up is marked. */
  list(drills: { name: string; summary: string }[], current: string | undefined): void {
    const width = Math.max(...drills.map((d) => d.name.length)) + 2;
    for (const d of drills) {
      const mark = d.name === current ? '* ' : '  ';
      this.out.write(`${mark}${d.name.padEnd(width)}${d.summary}\n`);
    }
  }

  /** start / show: the task. */
  task(name: string, text: string): void {
    this.out.write(`Drill ${name}:\n\n${text.replace(/^(?=.)/gm, '  ')}\n`);
  }

  /** start: how to go on (stderr). */
  howTo(dirFlag: string): void {
    this.err.write(`\nWhen you are done: etcdctl-ts practice check${dirFlag}\n`);
    this.err.write(`To stop its etcd and remove its files: etcdctl-ts practice reset${dirFlag}\n`);
  }

  /** check: each item, the verdict, and the commands a candidate would type. */
  checked(name: string, items: CheckItem[], ok: boolean, solution: string[]): void {
    const p = this.outPaint;
    this.out.write(`Drill ${name}: ${ok ? p.good('passed') : p.bad('not passed yet')}\n`);
    for (const i of items) this.out.write(`  ${i.ok ? p.good('passed ') : p.bad('missing')}  ${i.text}\n`);
    this.out.write(`\n${ok ? 'What a candidate would have typed' : 'What a candidate would type'}:\n`);
    for (const line of solution) this.out.write(`  ${line}\n`);
  }

  /** reset: what was stopped and removed (stderr). */
  reset(dir: string, drill: string | undefined, stopped: { name: string; pid: number }[]): void {
    for (const s of stopped) this.err.write(`stopped ${s.name} (pid ${s.pid})\n`);
    this.err.write(`removed ${dir}${drill ? ` (drill ${drill})` : ''}\n`);
  }
}
