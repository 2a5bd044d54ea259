/** Failed calls as etcdctl reports them. */
import { EtcdctlError, ExitCode } from '../errors.js';
import { GrpcError, Status } from './status.js';

export const GRPC_CODE_NAMES = [
  'OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists',
  'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange',
  'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated',
];

/** The text etcdctl prints for a failed call. */
export function errorText(err: GrpcError): string {
  if (err.code === Status.DEADLINE_EXCEEDED) return 'context deadline exceeded';
  if (err.code === Status.CANCELLED) return 'context canceled';
  // The Go client turns only etcd's own "etcdserver: ..." errors into bare messages (rpctypes.Error).
  if (err.details.startsWith('etcdserver: ')) {
    return err.details;
  }
  return `rpc error: code = ${GRPC_CODE_NAMES[err.code] ?? `Code(${err.code})`} desc = ${err.details}`;
}

/** Converts any failure of a call into the error a command ends with. */
export function toEtcdctlError(err: unknown, exitCode: number = ExitCode.Error): Error {
  if (err instanceof GrpcError) return new EtcdctlError(errorText(err), exitCode);
  return err as Error;
}

