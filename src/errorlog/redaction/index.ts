/**
 * Masks passwords, secrets, tokens and API keys in everything the error log writes about
 * a failed call. Names count as sensitive when, lower-cased and without `_`, `-`, `.` or
 * spaces, they contain `password`, `secret`, `token` or `apikey`.
 */
export { MASK, isSensitiveName } from './names';
export { redactValue, CIRCULAR, TRUNCATED } from './value';
export { redactText } from './text';
export { redactGraphQLQuery } from './graphql-query';
export { redactQueryString, redactUrl } from './query-string';
export { redactHeaders, redactAuthorization, type HeaderMap, type RedactedHeaders } from './headers';
export { apiKeyHint } from './api-key';
export { redactKnownValues, MIN_KNOWN_SECRET_LENGTH } from './known-values';
export { redactRequest, redactResponseBody, type RequestToRedact, type RedactedRequest } from './request';
