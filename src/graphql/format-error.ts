import type { GraphQLFormattedError } from 'graphql';
import { validationProblems, type ValidationErrorLike } from '../common/validation-problems';
import { formatOperationLimitError } from './plugins/operation-limits';

// graphql-js reports a bad literal (e.g. an unknown enum value) as a validation failure;
// to a client it is bad input, and CONTRACT §5 names BAD_USER_INPUT for it.
const BAD_VALUE =
  /^(Value |Expected value of type |Enum "|Argument "[^"]+" of (non-null )?type|Int cannot|Float cannot|String cannot|Boolean cannot|ID cannot)/;

/**
 * Shapes every error before it leaves the server: OPERATION_TOO_COMPLEX for an operation over
 * a limit, readable messages for class-validator
 * failures (and never the rejected values, which may be secrets), BAD_USER_INPUT for bad
 * literals, and no internals.
 */
export function createFormatError(exposeInternals: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const limit = formatOperationLimitError(formatted, error);
    if (limit) return limit;

    const extensions = { ...(formatted.extensions ?? {}) };
    const code = extensions.code;

    if (code === 'BAD_USER_INPUT' && Array.isArray(extensions.validationErrors)) {
      const problems = validationProblems(extensions.validationErrors as ValidationErrorLike[]);
      delete extensions.validationErrors;
      return {
        ...formatted,
        message: problems.length ? problems.map((p) => p.message).join('; ') : formatted.message,
        // `field` names the first problem, as the refusals raised by services do.
        extensions: { ...extensions, ...(problems.length ? { field: problems[0].field } : {}), problems },
      };
    }

    if (code === 'GRAPHQL_VALIDATION_FAILED' && BAD_VALUE.test(formatted.message)) {
      return { ...formatted, extensions: { ...extensions, code: 'BAD_USER_INPUT' } };
    }

    if (code === 'INTERNAL_SERVER_ERROR' && !exposeInternals) {
      // No internals leave the server; the request-id plugin logs the original under the
      // request id and puts that id in the message.
      return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code } };
    }
    return { ...formatted, extensions };
  };
}
