/**
 * Masks passwords, secrets, tokens and API keys in everything the error log writes about
 * a failed call. Which names count as sensitive: `names.ts` and README.md.
 */
export { MASK, isSensitiveName, SENSITIVE_PARTS, SENSITIVE_WORDS } from './names';
export { redactValue, CIRCULAR, TRUNCATED } from './value';
export { redactText } from './text';
export { redactGraphQLQuery } from './graphql-query';
export { redactQueryString, redactUrl } from './query-string';
export { redactHeaders, redactAuthorization, type HeaderMap, type RedactedHeaders } from './headers';
export { apiKeyHint, type KnownKeys } from './api-key';
export { keyHinter, type KeyHinter } from './key-hints';
export { echoPattern } from './echo-pattern';
export { redactKnownValues, MIN_KNOWN_SECRET_LENGTH } from './known-values';
export { redactRequest, redactResponseBody, type RequestToRedact, type RedactedRequest } from './request';
