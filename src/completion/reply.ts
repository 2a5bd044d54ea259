/**
 * How the completion scripts (scripts.ts) and `etcdctl-ts __complete` talk.
 *
 * The request is `__complete <shell> ...`:
 *   bash        <COMP_WORDBREAKS> <the line up to the cursor>   (COMP_LINE, COMP_POINT)
 *   zsh         <words...> <the word at the cursor>             (words as typed, PREFIX)
 *   fish        <words...> <the word at the cursor>             (words unquoted, the last as typed)
 *   powershell  <words...> :<the word at the cursor>            (as typed; the ':' keeps an
 *                                                                empty word, which PowerShell drops)
 * where the words are those after the program's name.
 *
 * The reply is one line saying what kind of reply it is, then one candidate per line:
 *   :values                           then candidates; for bash each is the text readline
 *                                     puts in place of its word, quoted; for the others
 *                                     `value` or `value<TAB>description`, the whole word
 *   :files<TAB>lead<TAB>name          the shell completes file names: `name` is the part
 *   :dirs<TAB>lead<TAB>name           of the word that is a file name, `lead` what goes
 *                                     before each name it finds (bash: what readline does
 *                                     not take as a word of its own; others: e.g. `--cacert=`)
 */
import { bashFileWord, bashReplacement, splitLine, unquote, type Word } from './words.js';
import type { Candidate, Offer } from './offer.js';

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

export interface Request {
  shell: Shell;
  /** The words after the program's name, unquoted; the last is the one at the cursor. */
  words: string[];
  /** bash: the word at the cursor as typed, and the characters readline breaks words at. */
  bash?: { word: Word; wordbreaks: string };
}

/** Reads `__complete`'s arguments; undefined for a shell it does not know. */
export function readRequest(args: string[]): Request | undefined {
  const [shell, ...rest] = args;
  switch (shell) {
    case 'bash': {
      const [wordbreaks = '', line = ''] = rest;
      // The first word is the program.
      const words = splitLine(line).slice(1);
      const word = words.length > 0 ? words[words.length - 1] : { raw: '', value: '' };
      if (words.length === 0) words.push(word);
      return { shell, words: words.map((w) => w.value), bash: { word, wordbreaks } };
    }
    case 'zsh':
      return { shell, words: withWord(rest.map((w) => unquote(w).value)) };
    case 'fish':
      return { shell, words: withWord([...rest.slice(0, -1), unquote(rest[rest.length - 1] ?? '').value]) };
    case 'powershell': {
      const last = rest.length > 0 ? rest[rest.length - 1].replace(/^:/, '') : '';
      return { shell, words: [...rest.slice(0, -1), last].map((w) => unquote(w).value) };
    }
    default:
      return undefined;
  }
}

/** At least the word at the cursor. */
function withWord(words: string[]): string[] {
  return words.length > 0 ? words : [''];
}

/** A description on one line, without tabs. */
function oneLine(text: string): string {
  return text.replace(/[\t\r\n]+/g, ' ').trim();
}

/** The reply to `req`: what `offer` says, with `candidates` (the offer's own and any live ones). */
export function formatReply(req: Request, offer: Offer, candidates: Candidate[]): string {
  if (offer.files) {
    let { lead, name } = { lead: offer.prefix, name: offer.word.slice(offer.prefix.length) };
    if (req.bash) ({ lead, name } = bashFileWord(req.bash.word, offer.prefix, req.bash.wordbreaks));
    return `:${offer.files}\t${lead}\t${name}\n`;
  }
  const lines = new Set<string>();
  for (const c of candidates) {
    if (req.bash) {
      const text = bashReplacement(req.bash.word, c.value, req.bash.wordbreaks);
      if (text !== undefined) lines.add(text);
      continue;
    }
    if (/[\t\r\n]/.test(c.value)) continue;
    const description = c.description ? oneLine(c.description) : '';
    lines.add(description ? `${c.value}\t${description}` : c.value);
  }
  return `:values\n${[...lines].map((l) => `${l}\n`).join('')}`;
}
