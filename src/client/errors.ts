/** Failed calls as etcdctl reports them. */
import { EtcdctlError, ExitCode } from '../errors.js';
import { GrpcError } from './status.js';

export { GRPC_CODE_NAMES } from './status.js';

/** The text etcdctl prints for a failed call. */
export function errorText(err: GrpcError): string {
  return err.message;
}

/** Any failure of a call as the error a command ends with, with another exit code than 1 when given. */
export function toEtcdctlError(err: unknown, exitCode: number = ExitCode.Error): Error {
  if (err instanceof GrpcError && exitCode !== err.code) return new EtcdctlError(err.message, exitCode);
  return err as Error;
}
