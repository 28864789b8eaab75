import { ChatError, type ErrorKind } from '@chat/errors';

/**
 * Thrown by a client call when the remote service answered with a gRPC error
 * status. Its kind comes from the status code, so a NOT_FOUND from the data
 * service surfaces in the gateway as a not_found error without string matching.
 */
export class RemoteCallError extends ChatError {
  constructor(
    readonly kind: ErrorKind,
    /** The gRPC method path that failed, e.g. `/chat.messages.v1.MessageService/GetMessage`. */
    readonly method: string,
    /** The numeric gRPC status code. */
    readonly code: number,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options);
  }
}

/** Thrown at registration when a service uses a call shape the helpers do not support (client or bidi streaming). */
export class UnsupportedMethodError extends ChatError {
  readonly kind = 'internal';
}
