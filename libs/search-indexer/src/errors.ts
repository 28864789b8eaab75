/** Errors of the search indexer: one class per way a search or an index write can fail. */
import { InvalidArgumentError, UnavailableError } from '@chat/errors';

/** Thrown when a search request is malformed: no scope, a bad id, a limit above 25, an offset above 9975. */
export class InvalidSearchError extends InvalidArgumentError {
  constructor(
    /** The offending field (as the proto names it). */
    readonly field: string,
    reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(`invalid search: ${field} ${reason}`, { ...options, details: { field } });
  }
}

/** Thrown when a bulk write to an index (SQLite or an Elasticsearch cell) failed; the batch's records are redelivered. */
export class IndexWriteError extends UnavailableError {
  constructor(
    /** The cell written to. */
    readonly cell: string,
    /** Documents in the failed batch. */
    readonly documents: number,
    options: { cause?: unknown; reason?: string } = {},
  ) {
    super(`bulk index into cell ${cell} failed (${documents} documents)${options.reason ? `: ${options.reason}` : ''}`, { cause: options.cause });
  }
}

/** Thrown when a scope's cell is named in the allocation store or CHAT_SEARCH_DEDICATED but not configured in CHAT_SEARCH_CELLS. */
export class UnknownCellError extends InvalidArgumentError {
  constructor(
    /** The missing cell's name. */
    readonly cell: string,
    options: { cause?: unknown } = {},
  ) {
    super(`search cell ${JSON.stringify(cell)} is not configured (CHAT_SEARCH_CELLS)`, options);
  }
}
