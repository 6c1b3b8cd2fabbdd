import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export const OPERATION_TOO_COMPLEX = 'OPERATION_TOO_COMPLEX';

export type OperationLimitName = 'depth' | 'aliases' | 'rootFields' | 'tokens' | 'directives' | 'cost';

const WHAT: Record<OperationLimitName, { label: string; hint: string }> = {
  depth: { label: 'depth', hint: 'select less deeply nested fields' },
  aliases: { label: 'alias count', hint: 'use fewer aliases, or split the operation into several requests' },
  rootFields: { label: 'root field count', hint: 'split the operation into several requests' },
  tokens: { label: 'token count', hint: 'send large inputs as variables, or split the operation' },
  directives: { label: 'directive count', hint: 'use fewer directives' },
  cost: { label: 'cost', hint: 'ask for smaller pages (`first`), fewer list fields or fewer aliases' },
};

/**
 * One refusal shape for every limit, whichever library measured it (CONTRACT §4): HTTP 400,
 * `OPERATION_TOO_COMPLEX`, and the limit's name, its maximum and the measured value both in
 * the message (for a person) and in `extensions` (for a program).
 */
export class OperationTooComplexError extends GraphQLError {
  constructor(
    readonly limit: OperationLimitName,
    readonly max: number,
    readonly measured: number,
    message = `Operation too complex: ${WHAT[limit].label} ${measured} exceeds the limit of ${max}; ${WHAT[limit].hint}`,
  ) {
    super(message, { extensions: { code: OPERATION_TOO_COMPLEX, limit, max, measured, http: { status: 400 } } });
  }
}

/**
 * graphql-js stops parsing at the first token over `maxLexicalTokens`, which is the point: a huge
 * document is refused before its AST exists. So the true count is unknown; `measured` is
 * the token the parser stopped at, and the message says so.
 */
export function tokenLimitError(max: number): OperationTooComplexError {
  return new OperationTooComplexError(
    'tokens',
    max,
    max + 1,
    `Operation too complex: token count ${max + 1} (parsing stopped there) exceeds the limit of ${max}; ${WHAT.tokens.hint}`,
  );
}

const TOKEN_LIMIT = /^Syntax Error: Document contains more tha[nt] (\d+) tokens\. Parsing aborted\.$/;

/**
 * For format-error.ts. Apollo wraps validation errors as GRAPHQL_VALIDATION_FAILED (keeping
 * our extensions but replacing the code) and parser errors as GRAPHQL_PARSE_FAILED; this
 * gives both back the shape above. Returns undefined for every other error.
 */
export function formatOperationLimitError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError | undefined {
  const original = (error as { originalError?: unknown } | undefined)?.originalError;
  if (original instanceof OperationTooComplexError) {
    return shape(formatted, original);
  }
  if (formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED') {
    const match = TOKEN_LIMIT.exec(formatted.message);
    if (match) return shape(formatted, tokenLimitError(Number(match[1])));
  }
  return undefined;
}

function shape(formatted: GraphQLFormattedError, error: OperationTooComplexError): GraphQLFormattedError {
  return {
    message: error.message,
    locations: formatted.locations,
    extensions: { code: OPERATION_TOO_COMPLEX, limit: error.limit, max: error.max, measured: error.measured },
  };
}
