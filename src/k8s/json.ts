/**
 * JSON values (custom resources are stored as JSON): recognised, then
 * re-spaced token by token, so numbers and strings keep their exact text
 * (a 20-digit integer is never squeezed through a JavaScript number).
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The value as compact JSON text when it is a JSON object or array (surrounding whitespace allowed). */
export function jsonValue(value: Uint8Array): string | undefined {
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return undefined;
  }
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  return respace(trimmed, undefined);
}

/** Valid JSON text pretty-printed with two-space indentation (as JSON.stringify(v, null, 2) lays it out). */
export function prettyJSON(text: string): string {
  return respace(text, '  ');
}

/**
 * Copies valid JSON text without its insignificant whitespace; with an
 * indent, puts each member and element on its own line. Empty objects and
 * arrays stay `{}` and `[]`.
 */
function respace(text: string, indent: string | undefined): string {
  let out = '';
  let depth = 0;
  const newline = () => (indent === undefined ? '' : '\n' + indent.repeat(depth));
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '{' || c === '[') {
      let j = i + 1;
      while (/\s/.test(text[j])) j++;
      if (text[j] === (c === '{' ? '}' : ']')) {
        out += c + text[j];
        i = j;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += newline() + c;
    } else if (c === ',') {
      out += ',' + newline();
    } else if (c === ':') {
      out += indent === undefined ? ':' : ': ';
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}
