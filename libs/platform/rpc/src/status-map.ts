import { status, Metadata, type ServiceError } from '@grpc/grpc-js';
import { ChatError, type ErrorKind } from '@chat/errors';
import { RemoteCallError } from './errors';

const codeByKind: Record<ErrorKind, status> = {
  invalid: status.INVALID_ARGUMENT,
  not_found: status.NOT_FOUND,
  forbidden: status.PERMISSION_DENIED,
  unauthenticated: status.UNAUTHENTICATED,
  conflict: status.ALREADY_EXISTS,
  overloaded: status.RESOURCE_EXHAUSTED,
  unavailable: status.UNAVAILABLE,
  cancelled: status.CANCELLED,
  deadline: status.DEADLINE_EXCEEDED,
  unimplemented: status.UNIMPLEMENTED,
  internal: status.INTERNAL,
};

const kindByCode = new Map<status, ErrorKind>([
  [status.INVALID_ARGUMENT, 'invalid'],
  [status.OUT_OF_RANGE, 'invalid'],
  [status.FAILED_PRECONDITION, 'invalid'],
  [status.NOT_FOUND, 'not_found'],
  [status.PERMISSION_DENIED, 'forbidden'],
  [status.UNAUTHENTICATED, 'unauthenticated'],
  [status.ALREADY_EXISTS, 'conflict'],
  [status.ABORTED, 'conflict'],
  [status.RESOURCE_EXHAUSTED, 'overloaded'],
  [status.UNAVAILABLE, 'unavailable'],
  [status.CANCELLED, 'cancelled'],
  [status.DEADLINE_EXCEEDED, 'deadline'],
  [status.UNIMPLEMENTED, 'unimplemented'],
]);

/** A gRPC error as grpc-js sends it from a server handler. */
export interface StatusObject {
  code: status;
  details: string;
  metadata: Metadata;
}

/**
 * The one boundary from the project's errors to gRPC status. Our errors keep
 * their message (and kind, in the `chat-error-kind` trailer); anything else
 * becomes INTERNAL with a generic message, and the caller logs the stack.
 */
export function toGrpcStatus(error: unknown): StatusObject & { internal: boolean } {
  const metadata = new Metadata();
  if (error instanceof ChatError && error.kind !== 'internal') {
    metadata.set('chat-error-kind', error.kind);
    return { code: codeByKind[error.kind], details: error.message, metadata, internal: false };
  }
  return { code: status.INTERNAL, details: 'internal error', metadata, internal: true };
}

/** Turns a failed client call into a RemoteCallError whose kind follows the status code. */
export function fromServiceError(error: ServiceError, method: string): RemoteCallError {
  const kind = kindByCode.get(error.code) ?? 'internal';
  return new RemoteCallError(kind, method, error.code, error.details || error.message, { cause: error });
}

/** The gRPC status code a project error kind maps to. */
export function grpcCodeFor(kind: ErrorKind): status {
  return codeByKind[kind];
}
