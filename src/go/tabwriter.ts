/**
 * Column alignment the way Go's text/tabwriter does it with etcdctl's settings
 * (minwidth 0, tabwidth 8, padding 1, padded with tabs). etcdctl runs its whole
 * help text through one, so reproducing the help byte for byte needs this.
 */

const TAB_WIDTH = 8;
const PADDING = 1;

interface Cell {
  text: string;
  width: number;
}

export function tabwrite(text: string): string {
  const rawLines = text.split('\n');
  const lines: Cell[][] = rawLines.map((l) => l.split('\t').map((t) => ({ text: t, width: [...t].length })));
  const widths: number[] = [];
  let out = '';

  const writeLines = (line0: number, line1: number) => {
    for (let i = line0; i < line1; i++) {
      const line = lines[i];
      line.forEach((c, j) => {
        out += c.text;
        if (j < widths.length && j < line.length - 1) {
          const cellw = Math.ceil(widths[j] / TAB_WIDTH) * TAB_WIDTH;
          out += '\t'.repeat(Math.ceil((cellw - c.width) / TAB_WIDTH));
        }
      });
      if (i + 1 < lines.length) out += '\n';
    }
  };

  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let cur = line0; cur < line1; cur++) {
      if (column >= lines[cur].length - 1) continue;
      writeLines(line0, cur);
      line0 = cur;
      let width = 0;
      for (; cur < line1; cur++) {
        const line = lines[cur];
        if (column >= line.length - 1) break;
        width = Math.max(width, line[column].width + PADDING);
      }
      widths.push(width);
      format(line0, cur);
      widths.pop();
      line0 = cur;
      cur--; // the loop's increment re-examines the line that ended the block
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out;
}
