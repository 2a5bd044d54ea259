/** A sandbox or practice step that cannot be done: `Error: <message>` and hint lines, exit 1. */
import { EtcdctlError, ExitCode } from '../errors.js';

export class SandboxError extends EtcdctlError {
  constructor(message: string, hints: string[] = [], code: number = ExitCode.Error) {
    super(message, code, hints);
    this.name = 'SandboxError';
  }
}
