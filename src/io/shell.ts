/** Words for a POSIX shell: what the sandbox and the drills print for a person to paste. */

/** `word` as one shell word: unchanged when it holds only safe characters, else in single quotes. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line made of `words`, each quoted as it needs. */
export function shellLine(words: string[]): string {
  return words.map(shellQuote).join(' ');
}
