/**
 * Reading a txn from stdin the way etcdctl does: through Go's bufio.Reader,
 * whose buffer holds 4096 bytes, one line at a time (ReadString('\n')).
 *
 * The buffer matters for one odd case: a `put <key>` line without a value.
 * The put command then takes its value from stdin itself (ioutil.ReadAll),
 * which gets what the buffer has not read yet, up to the end of the input —
 * waiting for that end when stdin stays open. So the model keeps apart the
 * bytes "in the buffer" (read by bufio) and those still "in the pipe".
 */

import { fstatSync } from 'node:fs';
import { EtcdctlError, ExitCode } from '../errors.js';

const BUFIO_SIZE = 4096;

export class TxnReader {
  /** Bytes bufio has read and not yet handed out. */
  private buf: Buffer = Buffer.alloc(0);
  /** Bytes that arrived from the stream but that bufio has not read yet. */
  private pipe: Buffer[] = [];
  private pipeLength = 0;
  private ended = false;
  private readonly iterator: AsyncIterator<Buffer | string>;

  constructor(private readonly stream: NodeJS.ReadableStream) {
    this.iterator = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  }

  /** Waits for the next chunk of the stream; false at its end. */
  private async arrive(): Promise<boolean> {
    if (this.ended) return false;
    const r = await this.iterator.next();
    if (r.done) {
      this.ended = true;
      // Node's stdin just ends when it is a directory; Go's read fails, and etcdctl says so.
      if (this.stream === process.stdin && stdinIsDirectory()) {
        throw new EtcdctlError('read /dev/stdin: is a directory', ExitCode.InvalidInput);
      }
      return false;
    }
    const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    this.pipe.push(chunk);
    this.pipeLength += chunk.length;
    return true;
  }

  /** bufio's fill: one read of what is there (waiting for something), up to the room left; false at the end. */
  private async fill(): Promise<boolean> {
    while (this.pipeLength === 0) {
      if (!(await this.arrive())) return false;
    }
    let room = BUFIO_SIZE - this.buf.length;
    const taken: Buffer[] = [this.buf];
    while (room > 0 && this.pipe.length > 0) {
      const head = this.pipe[0];
      if (head.length <= room) {
        taken.push(head);
        this.pipe.shift();
        room -= head.length;
        this.pipeLength -= head.length;
      } else {
        taken.push(head.subarray(0, room));
        this.pipe[0] = head.subarray(room);
        this.pipeLength -= room;
        room = 0;
      }
    }
    this.buf = Buffer.concat(taken);
    return true;
  }

  /**
   * ReadString('\n'): the next line with its "\n"; at the end of input, the
   * unterminated rest, or undefined when there is none.
   */
  async next(): Promise<string | undefined> {
    const fragments: Buffer[] = [];
    for (;;) {
      const nl = this.buf.indexOf(0x0a);
      if (nl >= 0) {
        fragments.push(this.buf.subarray(0, nl + 1));
        this.buf = this.buf.subarray(nl + 1);
        return Buffer.concat(fragments).toString('utf8');
      }
      if (this.buf.length >= BUFIO_SIZE) {
        // A line longer than the buffer: bufio hands it over in pieces.
        fragments.push(this.buf);
        this.buf = Buffer.alloc(0);
      }
      if (!(await this.fill())) {
        fragments.push(this.buf);
        this.buf = Buffer.alloc(0);
        const rest = Buffer.concat(fragments);
        return rest.length > 0 ? rest.toString('utf8') : undefined;
      }
    }
  }

  /** ioutil.ReadAll(os.Stdin) beside the bufio.Reader: what bufio has not read, to the end of input. */
  async rest(): Promise<Buffer> {
    while (await this.arrive());
    const all = Buffer.concat(this.pipe);
    this.pipe = [];
    this.pipeLength = 0;
    return all;
  }
}

function stdinIsDirectory(): boolean {
  try {
    return fstatSync(0).isDirectory();
  } catch {
    return false;
  }
}
