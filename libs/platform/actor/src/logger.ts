/**
 * The logging hook. The shape is pino's `(obj, msg)` so a pino logger plugs in
 * as is; the default drops everything.
 */

/** One log method: structured fields first, then the message. */
export type ActorLogFn = (fields: Record<string, unknown>, msg: string) => void;

/** Minimal structured logger; a pino `Logger` satisfies it. */
export interface ActorLogger {
  debug: ActorLogFn;
  info: ActorLogFn;
  warn: ActorLogFn;
  error: ActorLogFn;
}

const drop: ActorLogFn = () => undefined;

/** Logger that discards every line (the default). */
export const noopActorLogger: ActorLogger = { debug: drop, info: drop, warn: drop, error: drop };

/** Wraps `logger` so every line carries `actorId`; a throwing logger is ignored. */
export function bindActorId(logger: ActorLogger, actorId: string): ActorLogger {
  const wrap =
    (fn: ActorLogFn): ActorLogFn =>
    (fields, msg) => {
      try {
        fn.call(logger, { actorId, ...fields }, msg);
      } catch {
        // A broken logger must not break the actor that logs.
      }
    };
  return {
    debug: wrap(logger.debug),
    info: wrap(logger.info),
    warn: wrap(logger.warn),
    error: wrap(logger.error),
  };
}
