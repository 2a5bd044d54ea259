/**
 * A decoded value as get --decode prints it: YAML-like text (simple format)
 * or a JSON object (json format). The README's "Kubernetes values" section
 * describes both.
 */
import { goBytesBase64, goString } from '../go/json.js';
import type { Decoded } from './decode.js';
import { prettyJSON } from './json.js';
import { bytesText, map, nodeJSON, sizeText, str, yamlText, type Node } from './tree.js';

/** The text for a decoded value, ending in a newline; undefined for a raw value (printed as etcdctl prints it). */
export function decodedText(d: Decoded): string | undefined {
  switch (d.format) {
    case 'raw':
      return undefined;
    case 'json':
      return prettyJSON(d.json) + '\n';
    case 'encrypted':
      return yamlText([
        ['encrypted', str(d.provider)],
        ['version', str(d.version)],
        ['key', str(d.key)],
      ]) + `payload: <${sizeText(d.payload)}, not decodable without the key>\n`;
    case 'protobuf': {
      let text = yamlText(protobufEntries(d));
      if (d.unparsed) text += `unparsed: ${bytesText(d.unparsed.bytes)}\nerror: ${JSON.stringify(d.unparsed.error)}\n`;
      return text;
    }
  }
}

function protobufEntries(d: Decoded & { format: 'protobuf' }): Array<[string, Node]> {
  const head: Array<[string, Node]> = [
    ['apiVersion', str(d.apiVersion)],
    ['kind', str(d.kind)],
  ];
  if (d.contentEncoding !== '') head.push(['contentEncoding', str(d.contentEncoding)]);
  if (d.contentType !== '') head.push(['contentType', str(d.contentType)]);
  if (d.metadata) head.push(['metadata', d.metadata]);
  return [...head, ...d.fields];
}

/** The `"decoded"` object of a kv in get --decode -w json. */
export function decodedJSON(d: Decoded): string {
  switch (d.format) {
    case 'raw':
      return '{"format":"raw"}';
    case 'json':
      return `{"format":"json","value":${d.json}}`;
    case 'encrypted':
      return `{"format":"encrypted","provider":${goString(d.provider)},"version":${goString(d.version)},"key":${goString(d.key)},"payloadBytes":${d.payload}}`;
    case 'protobuf': {
      const head = nodeJSON(map(protobufEntries({ ...d, fields: [] }))).slice(1, -1);
      let out = `{"format":"protobuf",${head},"fields":${nodeJSON(map(d.fields))}`;
      if (d.unparsed) out += `,"unparsed":"${goBytesBase64(d.unparsed.bytes)}","error":${goString(d.unparsed.error)}`;
      return out + '}';
    }
  }
}
