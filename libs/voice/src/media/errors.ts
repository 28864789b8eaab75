/**
 * Named errors of the voice media layer. Packet handling never throws (bad
 * datagrams only bump a counter); these are thrown to the voice gateway when
 * it calls the media API wrongly.
 */

/** Base class of every media-layer error. */
export class MediaError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Thrown by `join`/`joinSink` when another peer on this node already owns the ssrc. */
export class SsrcInUseError extends MediaError {
  constructor(
    readonly ssrc: number,
    readonly ownerUserId: string,
    options?: { cause?: unknown },
  ) {
    super(`ssrc ${ssrc} is already used by user ${ownerUserId} on this media node`, options);
  }
}

/** Thrown by `join`/`joinSink` when the ssrc is not an integer in 1..2^32-1. */
export class InvalidSsrcError extends MediaError {
  constructor(
    readonly ssrc: number,
    options?: { cause?: unknown },
  ) {
    super(`ssrc must be an integer in 1..4294967295, got ${ssrc}`, options);
  }
}

/** Thrown by `startSession` when the key is not 32 bytes. */
export class InvalidSecretKeyError extends MediaError {
  constructor(
    readonly length: number,
    options?: { cause?: unknown },
  ) {
    super(`secret key must be 32 bytes, got ${length}`, options);
  }
}

/** Thrown by `startSession` (or node creation) for a mode this node does not offer. */
export class UnsupportedModeError extends MediaError {
  constructor(
    readonly mode: string,
    readonly offered: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`encryption mode ${mode} is not offered (offered: ${offered.join(', ')})`, options);
  }
}

/** Thrown by `call`, `join`, `joinSink` and `allocateSsrc` after `close()`. */
export class MediaNodeClosedError extends MediaError {
  constructor(options?: { cause?: unknown }) {
    super('the media node is closed', options);
  }
}

/** Thrown by `createMediaNode` when the UDP socket cannot be bound. */
export class MediaBindError extends MediaError {
  constructor(
    readonly host: string,
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(`cannot bind UDP ${host}:${port}`, options);
  }
}

/** Thrown by `allocateSsrc` when no free ssrc was found (practically: never). */
export class SsrcExhaustedError extends MediaError {
  constructor(
    readonly inUse: number,
    options?: { cause?: unknown },
  ) {
    super(`no free ssrc after many tries (${inUse} in use)`, options);
  }
}

/** Thrown by `setRemote` when the address is not an IP literal or the port is not in 1..65535. */
export class InvalidRemoteError extends MediaError {
  constructor(
    readonly address: string,
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(`invalid remote ${address}:${port}`, options);
  }
}
