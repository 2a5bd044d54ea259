/** gRPC status codes and the error a failed call ends with. Kept apart from the transport so that loading it costs nothing. */

/** gRPC status codes used by this client. */
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

/** A call that ended with a non-OK gRPC status. */
export class GrpcError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
    /** True when the request never reached the server (safe to retry anywhere). */
    readonly notSent = false,
  ) {
    super(details);
    this.name = 'GrpcError';
  }
}

