/**
 * ASCII tables the way etcdctl 3.5 prints them (olekukonko/tablewriter 0.0.5,
 * right-aligned): `+---+` borders, centred upper-case headers, one space of
 * padding, and cells wider than 30 columns wrapped at spaces into balanced
 * lines. What text goes in each line of a cell and how wide each column is
 * are tablewriter's rules and are decided here; cli-table3 draws the result.
 */
import { tableLibrary } from './cli-table.cjs';

/** tablewriter wraps a cell whose widest line is wider than this. */
const MAX_COL_WIDTH = 30;
/** The extra cost WrapWords gives a line that is still too long (a single long word). */
const LONG_LINE_PENALTY = 1e5;

/**
 * Display width of a line. tablewriter measures with go-runewidth and
 * cli-table3 with string-width; both count East Asian wide and fullwidth
 * characters as two columns, controls and U+0300-U+036F combining marks as
 * none, and almost everything else as one. Where the two differ (some
 * format characters, rarer combining marks and scripts, emoji sequences)
 * cli-table3's measure is used, so that the column widths given to it are the
 * ones it pads by: otherwise it would misalign those cells or truncate them.
 */
function width(s: string): number {
  return tableLibrary().strlen(s);
}

/**
 * tablewriter's WrapWords: splits words into lines of at most `limit` columns
 * (one column between words), choosing the breaks that minimise the sum of the
 * squared shortfalls of all lines but the last; a line longer than the limit
 * (only a word longer than it) costs a penalty on top.
 */
function wrapWords(words: string[], limit: number): string[][] {
  const n = words.length;
  const wordWidth = words.map(width);
  /** Width of words i..j on one line. */
  const len = (i: number, j: number) => {
    let l = j - i;
    for (let k = i; k <= j; k++) l += wordWidth[k];
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

/** tablewriter's WrapString: words split at single spaces, wrapped to `limit` (widened to the longest word). */
function wrapString(text: string, limit: number): string[] {
  const words = text.replace(/\n/g, ' ').split(' ');
  const lim = Math.max(limit, ...words.map(width));
  return wrapWords(words, lim).map((w) => w.join(' '));
}

/**
 * A cell's lines and the width it asks of its column (tablewriter's
 * parseDimension): each line of the text is a paragraph, a blank line (one
 * space) goes between paragraphs, and paragraphs are wrapped when the widest
 * is over 30 columns. Such a cell asks for 30 columns (or its longest word),
 * not for its longest wrapped line.
 */
export function layoutCell(text: string): { lines: string[]; width: number } {
  const paragraphs = text.split('\n');
  let maxWidth = Math.min(MAX_COL_WIDTH, Math.max(...paragraphs.map(width)));
  const lines: string[] = [];
  paragraphs.forEach((para, i) => {
    if (i > 0) lines.push(' ');
    lines.push(...wrapString(para, maxWidth));
  });
  maxWidth = Math.max(maxWidth, ...lines.map(width));
  return { lines, width: maxWidth };
}

const isDigitOrSpace = (c: string | undefined) => c !== undefined && ((c >= '0' && c <= '9') || c === ' ');
/** What Go's strings.TrimSpace takes off (unicode.IsSpace); not quite JavaScript's trim(). */
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+';
const GO_TRIM = new RegExp(`^${GO_SPACE}|${GO_SPACE}$`, 'g');

/**
 * tablewriter's Title(), applied to each line of a header as it is printed:
 * '_' becomes a space, and so does '.' unless it sits between digits or
 * spaces (a number like 0.5 keeps its point); then trimmed and upper-cased. A
 * line that trims to nothing keeps one space.
 */
export function title(line: string): string {
  const cs = [...line];
  cs.forEach((c, i) => {
    if (c === '_') cs[i] = ' ';
    else if (c === '.' && ((i > 0 && !isDigitOrSpace(cs[i - 1])) || (i < cs.length - 1 && !isDigitOrSpace(cs[i + 1])))) cs[i] = ' ';
  });
  const trimmed = cs.join('').replace(GO_TRIM, '');
  return trimmed === '' && line !== '' ? ' ' : toUpper(trimmed);
}

/** Go's strings.ToUpper maps each rune to one rune ('ß' stays 'ß'); JavaScript's may make several ('SS'). */
function toUpper(s: string): string {
  return [...s].map((c) => {
    const u = c.toUpperCase();
    return [...u].length === 1 ? u : c;
  }).join('');
}

/** etcdctl's borders: '+' where lines meet, '-' across, '|' down. */
const CHARS = {
  top: '-', 'top-mid': '+', 'top-left': '+', 'top-right': '+',
  bottom: '-', 'bottom-mid': '+', 'bottom-left': '+', 'bottom-right': '+',
  left: '|', 'left-mid': '+', mid: '-', 'mid-mid': '+', right: '|', 'right-mid': '+', middle: '|',
};

/**
 * A table as etcdctl prints it, with a header and right-aligned rows; ends
 * with a newline. Column widths are tablewriter's: the widest that a cell of
 * the column (header included, measured before Title()) asks for.
 * `styleHead` styles each header line (colour codes do not count in widths).
 */
export function renderTable(header: string[], rows: string[][], styleHead: (text: string) => string = (t) => t): string {
  const head = header.map(layoutCell);
  const body = rows.map((r) => header.map((_, i) => layoutCell(r[i] ?? '')));
  const widths = header.map((_, i) => Math.max(head[i].width, ...body.map((r) => r[i].width)));
  const { Table } = tableLibrary();
  const table = new Table({
    head: head.map((c) => c.lines.map((l) => styleHead(title(l))).join('\n')),
    chars: CHARS,
    // No colours (cli-table3 colours headers red and borders grey by
    // default); one space each side; compact: a rule under the header only,
    // none between rows.
    style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1, compact: true },
    // colWidths include the padding. cli-table3 cuts a line wider than its
    // column short with '…', and no option turns that off; none is wider,
    // since the widths come from the same measure it uses.
    colWidths: widths.map((w) => w + 2),
    // The header is centred; the cells below are right-aligned one by one.
    colAligns: header.map(() => 'center' as const),
    // Lines are already what tablewriter makes them: cli-table3 only splits at '\n'.
    wordWrap: false,
  });
  for (const r of body) table.push(r.map((c) => ({ content: c.lines.join('\n'), hAlign: 'right' as const })));
  let out = table.toString() + '\n';
  // tablewriter draws the rule under the header even when no row follows;
  // cli-table3 then draws only the bottom one. The two rules are the same.
  if (rows.length === 0) out += out.slice(out.lastIndexOf('\n', out.length - 2) + 1);
  return out;
}
