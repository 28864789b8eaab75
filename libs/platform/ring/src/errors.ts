/**
 * Named errors of the ring lib. Each carries typed fields so callers and the
 * gRPC boundary can map them without parsing messages.
 */

/** Base class of every error this lib throws. */
export abstract class RingError extends Error {
  override readonly name: string = 'RingError';
}

/**
 * Thrown by `HashRing.owner` / `RingView.owner` when the ring has no nodes,
 * so no key can be placed (e.g. before membership has seen any member).
 */
export class EmptyRingError extends RingError {
  override readonly name = 'EmptyRingError';

  constructor(
    /** The key that could not be placed. */
    readonly key: string,
  ) {
    super(`cannot place key ${JSON.stringify(key)}: the ring has no nodes`);
  }
}

/** Thrown by `HashRing.add` when the node is already on the ring (remove it first to change its weight). */
export class DuplicateNodeError extends RingError {
  override readonly name = 'DuplicateNodeError';

  constructor(
    /** The node that is already present. */
    readonly node: string,
  ) {
    super(`node ${JSON.stringify(node)} is already on the ring`);
  }
}

/**
 * Thrown when a ring or membership option or argument is out of range: an
 * empty node id, a weight that is not a positive finite number, a virtual
 * node count below 1, a negative replica count, an empty endpoint list.
 */
export class InvalidRingArgumentError extends RingError {
  override readonly name = 'InvalidRingArgumentError';

  constructor(
    /** The option or argument that was wrong. */
    readonly argument: string,
    /** The value that was given. */
    readonly value: unknown,
    /** What was expected. */
    readonly expected: string,
  ) {
    super(`${argument} must be ${expected}, got ${JSON.stringify(value)}`);
  }
}

/**
 * Thrown by `Membership.start()` when it is called twice, or after `stop()`.
 * A membership is started once; make a new one to join again.
 */
export class MembershipStateError extends RingError {
  override readonly name = 'MembershipStateError';

  constructor(
    /** The state the membership was in. */
    readonly state: string,
    /** What was attempted. */
    readonly action: string,
  ) {
    super(`cannot ${action} a membership that is ${state}`);
  }
}

/**
 * Thrown by `EtcdMembership.start()` when etcd cannot be reached (or does not
 * answer) within `startTimeoutMs` while granting the lease, registering this
 * member or listing the others. `cause` holds the client's error.
 */
export class EtcdUnavailableError extends RingError {
  override readonly name = 'EtcdUnavailableError';

  constructor(
    /** The endpoints that were tried. */
    readonly endpoints: readonly string[],
    /** The step that failed: 'grant lease', 'register', 'list members'. */
    readonly step: string,
    options?: { cause?: unknown },
  ) {
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`etcd unavailable at ${endpoints.join(', ')} (${step})${why}`, options);
  }
}

/**
 * Reported (to `onError`, not thrown) by `EtcdMembership` when a key under its
 * prefix does not hold a valid member record; the key is ignored.
 */
export class InvalidMemberRecordError extends RingError {
  override readonly name = 'InvalidMemberRecordError';

  constructor(
    /** The etcd key holding the record. */
    readonly key: string,
    /** Why the record was rejected. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`ignoring member record at ${key}: ${reason}`, options);
  }
}
