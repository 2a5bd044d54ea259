/**
 * ASCII tables the way etcdctl 3.5 draws them (olekukonko/tablewriter with
 * right-aligned cells): `+---+` borders, centred upper-case headers, and cells
 * wider than 30 columns wrapped at spaces into balanced lines.
 */

const MAX_COL_WIDTH = 30;
const LONG_LINE_PENALTY = 1e5;

/** Display width; every code point counts one column. */
function width(s: string): number {
  return [...s].length;
}

/** Splits words into lines of at most `limit` columns, minimising the squared slack (tablewriter's WrapWords). */
function wrapWords(words: string[], limit: number): string[][] {
  const n = words.length;
  const len = (i: number, j: number) => {
    let l = 0;
    for (let k = i; k <= j; k++) l += width(words[k]) + (k > i ? 1 : 0);
    return l;
  };
  const breakAt = new Array<number>(n).fill(n);
  const cost = new Array<number>(n).fill(Number.MAX_SAFE_INTEGER);
  for (let i = n - 1; i >= 0; i--) {
    if (len(i, n - 1) <= limit) {
      cost[i] = 0;
      breakAt[i] = n;
      continue;
    }
    for (let j = i + 1; j < n; j++) {
      const d = limit - len(i, j - 1);
      let c = d * d + cost[j];
      if (len(i, j - 1) > limit) c += LONG_LINE_PENALTY;
      if (c < cost[i]) {
        cost[i] = c;
        breakAt[i] = j;
      }
    }
  }
  const lines: string[][] = [];
  for (let i = 0; i < n; i = breakAt[i]) lines.push(words.slice(i, breakAt[i]));
  return lines;
}

/** tablewriter's WrapString: words split at single spaces, wrapped to `limit` (widened for a longer word). */
function wrapString(text: string, limit: number): string[] {
  const words = text.replace(/\n/g, ' ').split(' ');
  const lim = Math.max(limit, ...words.map(width));
  return wrapWords(words, lim).map((w) => w.join(' '));
}

/**
 * A cell's lines and the width it asks of its column (tablewriter's
 * parseDimension): a cell wider than 30 columns is wrapped, and then asks for
 * 30 columns (or its longest word), not for its longest wrapped line.
 */
export function layoutCell(text: string): { lines: string[]; width: number } {
  const raw = text.split('\n');
  let maxWidth = Math.min(MAX_COL_WIDTH, Math.max(...raw.map(width)));
  const lines: string[] = [];
  raw.forEach((para, i) => {
    const paraLines = wrapString(para, maxWidth);
    if (i > 0) lines.push(' ');
    lines.push(...paraLines);
  });
  maxWidth = Math.max(maxWidth, ...lines.map(width));
  return { lines, width: maxWidth };
}

/** tablewriter's Title(): upper case, with '_' and '.' as spaces. */
function title(h: string): string {
  return h.replace(/[_.]/g, ' ').toUpperCase();
}

function center(s: string, w: number): string {
  const gap = w - width(s);
  const left = Math.floor(gap / 2);
  return ' '.repeat(left) + s + ' '.repeat(gap - left);
}

export function renderTable(header: string[], rows: string[][]): string {
  const head = header.map((h) => layoutCell(title(h)));
  const body = rows.map((r) => header.map((_, i) => layoutCell(r[i] ?? '')));
  const widths = header.map((_, i) => Math.max(head[i].width, ...body.map((r) => r[i].width)));
  const headCells = head.map((c) => c.lines);
  const bodyCells = body.map((r) => r.map((c) => c.lines));
  const border = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+\n';
  const lines = (cells: string[][], align: (s: string, w: number) => string) => {
    const height = Math.max(...cells.map((c) => c.length));
    let out = '';
    for (let l = 0; l < height; l++) {
      out += '|' + widths.map((w, i) => ` ${align(cells[i]?.[l] ?? '', w)} `).join('|') + '|\n';
    }
    return out;
  };
  let out = border + lines(headCells, center) + border;
  for (const r of bodyCells) out += lines(r, (s, w) => s.padStart(w + s.length - width(s)));
  return out + border;
}
