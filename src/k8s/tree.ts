/**
 * A decoded value as a small tree (maps in order, lists, scalars), and its two
 * renderings: YAML-like text for people and compact JSON for programs. 64-bit
 * numbers are bigint throughout, so the JSON keeps every digit.
 */
import { goString, goBytesBase64 } from '../go/json.js';

export type Node =
  | { t: 'map'; entries: Array<[string, Node]> }
  | { t: 'list'; items: Node[] }
  | { t: 'str'; value: string }
  | { t: 'int'; value: bigint }
  | { t: 'bool'; value: boolean }
  | { t: 'bytes'; value: Buffer };

export const str = (value: string): Node => ({ t: 'str', value });
export const int = (value: bigint): Node => ({ t: 'int', value });
export const bool = (value: boolean): Node => ({ t: 'bool', value });
export type MapNode = Extract<Node, { t: 'map' }>;
export const map = (entries: Array<[string, Node]>): MapNode => ({ t: 'map', entries });
export const list = (items: Node[]): Node => ({ t: 'list', items });

// ---- JSON -------------------------------------------------------------------

/** Compact JSON: bytes as {"bytes":"<base64>"}, numbers as their exact digits. */
export function nodeJSON(n: Node): string {
  switch (n.t) {
    case 'map': return `{${n.entries.map(([k, v]) => `${goString(k)}:${nodeJSON(v)}`).join(',')}}`;
    case 'list': return `[${n.items.map(nodeJSON).join(',')}]`;
    case 'str': return goString(n.value);
    case 'int': return n.value.toString();
    case 'bool': return String(n.value);
    case 'bytes': return `{"bytes":"${goBytesBase64(n.value)}"}`;
  }
}

// ---- YAML-like text -----------------------------------------------------------

/** Bytes shown in full (as hex) up to this length; longer ones by their length only. */
const HEX_SHOWN = 32;

/** How a bytes value reads in the text: `<3 bytes: 0a0b0c>`, or `<1200 bytes>`. */
export function bytesText(b: Buffer): string {
  return b.length > 0 && b.length <= HEX_SHOWN ? `<${sizeText(b.length)}: ${b.toString('hex')}>` : `<${sizeText(b.length)}>`;
}

/** `1 byte`, `32 bytes`. */
export function sizeText(n: number): string {
  return `${n} byte${n === 1 ? '' : 's'}`;
}

const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~)$/i;
/** What YAML would read as a number or a timestamp. */
const NUMBERLIKE = /^(?:[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9]+)(?:e[-+]?[0-9]+)?|0x[0-9a-f_]+|0o?[0-7_]+|0b[01_]+|[-+]?\.inf|\.nan|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*)$/i;
/** Characters that cannot start a plain scalar (- ? : only when a space or nothing follows). */
const INDICATOR = /^(?:[,[\]{}#&*!|>'"%@`\s]|[-?:](?:\s|$))/;
// C0 and C1 controls, DEL, line and paragraph separators, byte-order mark, lone surrogates.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/;

/** A string as plain YAML when it reads back as the same string, double-quoted (JSON escapes) otherwise. Field numbers as keys stay bare. */
export function yamlString(s: string): string {
  const plain =
    s !== '' &&
    !INDICATOR.test(s) &&
    !/\s$/.test(s) &&
    !s.includes(': ') &&
    !s.includes(' #') &&
    !s.endsWith(':') &&
    !RESERVED.test(s) &&
    !NUMBERLIKE.test(s) &&
    !UNPRINTABLE.test(s);
  return plain ? s : JSON.stringify(s);
}

function scalarText(n: Node): string | undefined {
  switch (n.t) {
    case 'str': return yamlString(n.value);
    case 'int': return n.value.toString();
    case 'bool': return String(n.value);
    case 'bytes': return bytesText(n.value);
    case 'map': return n.entries.length === 0 ? '{}' : undefined;
    case 'list': return n.items.length === 0 ? '[]' : undefined;
  }
}

function mapLines(entries: Array<[string, Node]>, pad: string, out: string[]): void {
  for (const [k, v] of entries) {
    const key = `${pad}${/^[0-9]+$/.test(k) ? k : yamlString(k)}:`;
    const scalar = scalarText(v);
    if (scalar !== undefined) out.push(`${key} ${scalar}`);
    else if (v.t === 'map') {
      out.push(key);
      mapLines(v.entries, pad + '  ', out);
    } else if (v.t === 'list') {
      out.push(key);
      listLines(v.items, pad, out);
    }
  }
}

/** List items sit at their key's indentation, as kubectl's YAML has them. */
function listLines(items: Node[], pad: string, out: string[]): void {
  for (const item of items) {
    const scalar = scalarText(item);
    if (scalar !== undefined) {
      out.push(`${pad}- ${scalar}`);
      continue;
    }
    const sub: string[] = [];
    if (item.t === 'map') mapLines(item.entries, pad + '  ', sub);
    else if (item.t === 'list') listLines(item.items, pad + '  ', sub);
    sub[0] = `${pad}- ${sub[0].slice(pad.length + 2)}`;
    out.push(...sub);
  }
}

/** The entries of a map as YAML-like lines, each ending in a newline. */
export function yamlText(entries: Array<[string, Node]>): string {
  const out: string[] = [];
  mapLines(entries, '', out);
  return out.map((l) => l + '\n').join('');
}
