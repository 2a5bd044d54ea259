/**
 * Command-line words as the shells hand them to completion: POSIX quoting
 * removed ('...', "...", backslashes), a line cut into words the way the
 * shell cuts it, and, for bash, the text that readline replaces with a
 * completion (the part of the word after its last word-break character, or
 * after a quote still open) and how a candidate is written there.
 */

export type Quote = "'" | '"';

export interface Word {
  /** As typed: quotes and backslashes included. */
  raw: string;
  /** What the shell makes of it. */
  value: string;
  /** The quote still open at its end (a word being typed: `get "fo`). */
  open?: Quote;
}

/** One step of reading a word: where in `raw` and `value` it is, and the quote it is in there. */
interface Mark {
  rawAt: number;
  valueAt: number;
  quote?: Quote;
  /** The character at rawAt is literal (escaped or quoted), never a word break. */
  literal: boolean;
}

/** Reads one word (no unquoted blanks in it); `marks[i]` describes raw position i (and one more, the end). */
function read(raw: string): { value: string; open?: Quote; openAt: number; marks: Mark[] } {
  let value = '';
  let quote: Quote | undefined;
  let openAt = -1;
  const marks: Mark[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    marks.push({ rawAt: i, valueAt: value.length, quote, literal: quote !== undefined || ch === '\\' });
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else value += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < raw.length && '"\\$`\n'.includes(raw[i + 1])) {
        if (raw[i + 1] !== '\n') value += raw[i + 1];
        marks.push({ rawAt: ++i, valueAt: value.length, quote, literal: true });
      } else value += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      openAt = i;
    } else if (ch === '\\') {
      if (i + 1 < raw.length) {
        if (raw[i + 1] !== '\n') value += raw[i + 1];
        marks.push({ rawAt: ++i, valueAt: value.length, quote, literal: true });
      }
    } else value += ch;
  }
  marks.push({ rawAt: raw.length, valueAt: value.length, quote, literal: false });
  return { value, open: quote, openAt: quote ? openAt : -1, marks };
}

/** One word with the shell's quoting removed. */
export function unquote(raw: string): Word {
  const { value, open } = read(raw);
  return open ? { raw, value, open } : { raw, value };
}

/**
 * A command line (up to the cursor) cut into words at unquoted blanks; the
 * last word is the one at the cursor, '' when the line ends in a blank.
 */
export function splitLine(line: string): Word[] {
  const words: Word[] = [];
  let start = -1;
  let quote: Quote | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote === undefined && (ch === ' ' || ch === '\t' || ch === '\n')) {
      if (start >= 0) words.push(unquote(line.slice(start, i)));
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    if (ch === '\\' && quote !== "'") i++;
    else if (quote === undefined && (ch === "'" || ch === '"')) quote = ch;
    else if (quote === ch) quote = undefined;
  }
  words.push(start >= 0 ? unquote(line.slice(start)) : { raw: '', value: '' });
  return words;
}

/** Where readline's word starts in `word`: after an open quote, else after the last unquoted word-break character. */
function readlineStart(word: Word, wordbreaks: string): Mark {
  const { marks, openAt } = read(word.raw);
  if (openAt >= 0) return marks[openAt + 1];
  for (let i = word.raw.length - 1; i >= 0; i--) {
    const ch = word.raw[i];
    if (!marks[i].literal && ch !== "'" && ch !== '"' && wordbreaks.includes(ch)) return marks[i + 1];
  }
  return marks[0];
}

/** Characters bash reads specially outside quotes, written with a backslash before them. */
const BASH_SPECIAL = new Set([...' \t"\'\\|&;()<>$`*?[]!{}']);

/**
 * The text readline puts in place of its part of `word` so that the word
 * becomes `candidate`, quoted for where it goes; undefined when the
 * candidate does not extend what the word already has, or cannot be written
 * there (a newline; a quote inside single quotes).
 */
export function bashReplacement(word: Word, candidate: string, wordbreaks: string): string | undefined {
  const start = readlineStart(word, wordbreaks);
  const before = word.value.slice(0, start.valueAt);
  if (!candidate.startsWith(word.value) || candidate.includes('\n')) return undefined;
  const rest = candidate.slice(before.length);
  if (start.quote === "'") return rest.includes("'") ? undefined : rest;
  if (start.quote === '"') return rest.replace(/["\\$`]/g, (c) => `\\${c}`);
  let out = '';
  for (const [i, ch] of [...rest].entries()) {
    const first = start.rawAt === 0 && i === 0;
    out += BASH_SPECIAL.has(ch) || (first && (ch === '~' || ch === '#')) ? `\\${ch}` : ch;
  }
  return out;
}

/**
 * For file-name completion in bash: what readline's part of the word holds
 * of the file name (`name`, for compgen), and what goes before each name
 * compgen finds (`lead`: the part of `prefix`, say `--cacert=`, that readline
 * does not treat as a word of its own).
 */
export function bashFileWord(word: Word, prefix: string, wordbreaks: string): { lead: string; name: string } {
  const before = word.value.slice(0, readlineStart(word, wordbreaks).valueAt);
  if (before.length >= prefix.length) return { lead: '', name: word.value.slice(before.length) };
  return { lead: prefix.slice(before.length), name: word.value.slice(prefix.length) };
}
