/** The streams a command works with: injected, so that tests can capture them. */

/** Where output goes (stdout, stderr, a test's buffer): raw bytes or text. */
export interface Sink {
  write(chunk: string | Uint8Array): void;
}

/** A run's standard streams. */
export interface IO {
  stdout: Sink;
  stderr: Sink;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}
