import { GraphQLError } from 'graphql';

/**
 * The error codes of CONTRACT §4/§5. Refusals raised before execution carry their HTTP
 * status (`extensions.http`, read and stripped by Apollo Server). Resolver errors do not:
 * the error-status plugin answers 400 when they left no data, and a partial result stays 200.
 */
export function badUserInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...extensions } });
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND', http: { status: 404 } } });
}
