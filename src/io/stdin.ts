/** Reading standard input: all of it (put's value), or line by line (txn, watch -i). */

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/** Lines of a stream, without their "\n" (Go's bufio ReadString('\n') semantics are applied by callers). */
export class LineReader {
  private buf = Buffer.alloc(0);
  private ended = false;
  private readonly iterator: AsyncIterator<Buffer | string>;

  constructor(stream: NodeJS.ReadableStream) {
    this.iterator = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  }

  /** The next line including its "\n", or the unterminated rest, or undefined at end of input. */
  async next(): Promise<string | undefined> {
    for (;;) {
      const nl = this.buf.indexOf(0x0a);
      if (nl >= 0) {
        const line = this.buf.subarray(0, nl + 1).toString('utf8');
        this.buf = this.buf.subarray(nl + 1);
        return line;
      }
      if (this.ended) {
        if (this.buf.length === 0) return undefined;
        const rest = this.buf.toString('utf8');
        this.buf = Buffer.alloc(0);
        return rest;
      }
      const r = await this.iterator.next();
      if (r.done) this.ended = true;
      else this.buf = Buffer.concat([this.buf, typeof r.value === 'string' ? Buffer.from(r.value) : r.value]);
    }
  }
}
