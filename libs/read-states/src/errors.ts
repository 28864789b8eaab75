/** Errors of the read-states service. */
import { InvalidArgumentError } from '@chat/errors';

/** Thrown for a request field that is not a snowflake (or a bad mention count): INVALID_ARGUMENT. */
export class InvalidReadStateFieldError extends InvalidArgumentError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    expected = 'a snowflake (decimal digits)',
  ) {
    super(`${field} must be ${expected}, got ${JSON.stringify(value)}`, { details: { field } });
  }
}
