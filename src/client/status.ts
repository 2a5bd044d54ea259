/**
 * gRPC status codes, and the error a failed call ends with. A failed call is
 * already the error etcdctl ends with: its message is etcdctl's text for it
 * and its exit code 1, so a command can let it through as it is; `status` and
 * `details` say what the server (or the transport) said. Kept apart from the
 * transport so that loading it costs nothing.
 */
import { EtcdctlError, ExitCode } from '../errors.js';

/** gRPC status codes. */
export const Status = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** The codes' names as gRPC-Go prints them. */
export const GRPC_CODE_NAMES = [
  'OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists',
  'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange',
  'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated',
];

/** gRPC-Go's text of a status: `rpc error: code = Unavailable desc = ...`. */
export function rpcErrorText(status: number, details: string): string {
  return `rpc error: code = ${GRPC_CODE_NAMES[status] ?? `Code(${status})`} desc = ${details}`;
}

/**
 * The text etcdctl prints for a failed call: the Go client turns deadlines and
 * cancellations into the context's errors and etcd's own "etcdserver: ..."
 * errors into bare messages (rpctypes.Error); the rest keep gRPC's form.
 */
function etcdctlText(status: number, details: string): string {
  if (status === Status.DEADLINE_EXCEEDED) return 'context deadline exceeded';
  if (status === Status.CANCELLED) return 'context canceled';
  if (details.startsWith('etcdserver: ')) return details;
  return rpcErrorText(status, details);
}

/** A call that ended with a non-OK gRPC status. */
export class GrpcError extends EtcdctlError {
  constructor(
    /** The gRPC status code (Status). */
    readonly status: number,
    readonly details: string,
    /** True when the request never reached the server (safe to retry anywhere). */
    readonly notSent = false,
  ) {
    super(etcdctlText(status, details), ExitCode.Error);
    this.name = 'GrpcError';
  }
}
