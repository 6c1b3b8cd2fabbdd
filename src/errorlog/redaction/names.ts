/** What every masked value becomes, whatever its original type. */
export const MASK = '***';

// Substrings rather than whole words so `newPassword`, `client_secret`, `accessToken`,
// `x-api-key` are all caught; over-masking a `tokenCount` is the cheaper mistake.
const SENSITIVE_PARTS = ['password', 'secret', 'token', 'apikey'] as const;

// Names that carry credentials without containing one of the parts: a header map that
// ends up inside variables or a response must not leak through them either.
const SENSITIVE_EXACT = new Set(['authorization', 'proxyauthorization', 'cookie', 'setcookie']);

// Separators are dropped so `API_KEY`, `api-key`, `apiKey`, `pass_word` normalise alike.
const SEPARATORS = /[\s._-]+/g;

// The same few dozen names recur on every request; caching saves the lower-casing and
// regex work on the hot path. Cleared when full so hostile input cannot grow it forever.
const CACHE_LIMIT = 2000;
const cache = new Map<string, boolean>();

// The same test over free text, tolerating separators between letters: a cheap way to
// tell that a text cannot hold a sensitive name, so the costly work can be skipped.
const SEPARATOR_CLASS = '[\\s._-]*';
const SENSITIVE_IN_TEXT = new RegExp(
  [...SENSITIVE_PARTS, 'authorization', 'cookie'].map((word) => word.split('').join(SEPARATOR_CLASS)).join('|'),
  'i',
);

/** False only when no name in `text` (after normalising) can be sensitive. */
export function mayContainSensitiveName(text: string): boolean {
  return SENSITIVE_IN_TEXT.test(text);
}

export function normaliseName(name: string): string {
  return name.toLowerCase().replace(SEPARATORS, '');
}

export function isSensitiveName(name: string): boolean {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const normalised = normaliseName(name);
  let sensitive = SENSITIVE_EXACT.has(normalised);
  for (let i = 0; !sensitive && i < SENSITIVE_PARTS.length; i++) {
    sensitive = normalised.includes(SENSITIVE_PARTS[i]!);
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(name, sensitive);
  return sensitive;
}

/**
 * Query parameters and headers also carry signatures (pre-signed Escher URLs put
 * `X-EMS-Signature` in the query string): replayable until they expire, so they are
 * masked there. Not applied to GraphQL data, where `signature` is usually business data.
 */
export function isSensitiveTransportName(name: string): boolean {
  return isSensitiveName(name) || normaliseName(name).endsWith('signature');
}
