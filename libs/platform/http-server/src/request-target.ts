/**
 * The request target of an HTTP request (`req.url`: the path and query as the
 * client sent them), split without `new URL(target, base)`, which throws on
 * some client bytes: a target of `//` is read as a URL with an empty host,
 * and one uncaught throw in an 'upgrade' listener ends the process.
 */

/** A request target's path and decoded query. */
export interface RequestTarget {
  /** Everything before the first `?`, as sent (not percent-decoded). */
  readonly path: string;
  /** The query string after the first `?` (empty when there is none); lenient, never throws. */
  readonly query: URLSearchParams;
}

/** Splits `req.url`; never throws, whatever the client sent. */
export function parseRequestTarget(target: string | undefined): RequestTarget {
  const raw = target ?? '/';
  const at = raw.indexOf('?');
  return at < 0 ? { path: raw, query: new URLSearchParams() } : { path: raw.slice(0, at), query: new URLSearchParams(raw.slice(at + 1)) };
}
