/**
 * --jq FILTER: the `-w json` output run through jq (jq-web, jq compiled to
 * WebAssembly), as `gh --jq` does: each result a string is printed raw, any
 * other as compact JSON, one per line.
 *
 * jq reads our own JSON text, so the large integers in it (member, cluster
 * and lease IDs) keep all their digits: jq 1.7 keeps an integer literal it
 * passes through unchanged. The wasm is loaded only when --jq is given.
 */
import { EtcdctlError, ExitCode } from '../errors.js';
import type { Sink } from '../io/types.js';
import { jqWeb } from './jq-web.cjs';

/** jq-web's interface: `raw(json text, filter, jq's flags)` returns what jq wrote on stdout. */
interface JqModule {
  raw(json: string, filter: string, flags?: string[]): string | undefined;
}

/** What jq-web throws when jq exits non-zero. */
interface JqFailure {
  exitCode?: number;
  stderr?: string;
  message?: string;
}

/** jq's exit status for a filter that does not compile. */
const JQ_COMPILE_ERROR = 3;

let loading: Promise<JqModule> | undefined;

function loadJq(): Promise<JqModule> {
  loading ??= jqWeb() as Promise<JqModule>;
  return loading;
}

/** jq's message without its program-name prefix and jq-web's input file name. */
export function jqMessage(stderr: string): string {
  return stderr
    .trim()
    .replace(/^jq: error(?: \(at [^)]*\))?: /, '')
    .replace(/[ \t]+$/gm, '');
}

export class JqFilter {
  private constructor(
    private readonly jq: JqModule,
    readonly filter: string,
  ) {}

  /**
   * Loads jq and checks that `filter` compiles (exit 128 when it does not,
   * before anything connects). The check runs it on `null`; what that prints
   * or fails with at run time is of no interest here.
   */
  static async compile(filter: string): Promise<JqFilter> {
    const jq = await loadJq();
    const f = new JqFilter(jq, filter);
    try {
      f.call('null', () => {});
    } catch (err) {
      const e = err as JqFailure;
      if (e.exitCode === JQ_COMPILE_ERROR) throw new EtcdctlError(jqMessage(e.stderr ?? e.message ?? ''), ExitCode.BadArgs);
    }
    return f;
  }

  /**
   * Runs jq on one JSON document; returns its results, one line each
   * (strings raw, others compact JSON). jq's messages to stderr (`debug`,
   * `stderr`) go to `onStderr`. A run-time error is exit 1.
   */
  apply(json: string, onStderr: (text: string) => void): string {
    let out: string;
    try {
      out = this.call(json, onStderr);
    } catch (err) {
      const e = err as JqFailure;
      if (e.exitCode === undefined) throw err;
      throw new EtcdctlError(jqMessage(e.stderr ?? e.message ?? ''), ExitCode.Error);
    }
    return rawLines(out);
  }

  /**
   * One run of jq with compact output. jq-web reports what jq wrote on stderr
   * of a successful run through console.warn, with browser styling; that is
   * taken here and handed to `onStderr` as jq wrote it. jq-web also leaves
   * jq's exit status in process.exitCode, which is put back.
   */
  private call(json: string, onStderr: (text: string) => void): string {
    const warn = console.warn;
    const exitCode = process.exitCode;
    console.warn = (...args: unknown[]) => {
      const text = args[args.length - 1];
      if (typeof text === 'string') onStderr(text.endsWith('\n') ? text : text + '\n');
    };
    try {
      return this.jq.raw(json, this.filter, ['-c']) ?? '';
    } finally {
      console.warn = warn;
      process.exitCode = exitCode;
    }
  }
}

/**
 * jq's compact output (one JSON text per line) with each string result
 * written raw, as jq -r writes it; numbers and the rest keep jq's own text.
 */
export function rawLines(compact: string): string {
  let out = '';
  for (const line of compact.split('\n')) {
    if (line === '') continue;
    out += (line.startsWith('"') ? (JSON.parse(line) as string) : line) + '\n';
  }
  return out;
}

/**
 * Where the JSON printer writes when --jq is given: each document it writes
 * (one per result, or per watch response) is filtered as it arrives, and the
 * results go to `out`.
 */
export class JqSink implements Sink {
  constructor(
    private readonly filter: JqFilter,
    private readonly out: Sink,
    private readonly err: Sink,
  ) {}

  write(chunk: string | Uint8Array): void {
    const doc = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const result = this.filter.apply(doc, (text) => this.err.write(text));
    if (result !== '') this.out.write(result);
  }
}
