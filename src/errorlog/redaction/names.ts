/** What every masked value becomes, whatever its original type. */
export const MASK = '***';

/**
 * Substrings of the normalised name (lower-cased, separators dropped) that make it
 * sensitive. Long and distinctive enough that any name containing one is about a
 * credential: `newPassword`, `client_secret`, `accessToken`, `x-api-key`, `ssh_private_key`,
 * `creditCardNumber`. Over-masking a `tokenCount` is the cheaper mistake.
 */
export const SENSITIVE_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'cardnumber',
] as const;

/**
 * Short words that are sensitive only as a whole part of the name (parts are split at
 * separators, camelCase humps and digits): `pin`, `user_pin`, `pinCode`, `PIN2` and
 * `otpCode` count, while `shipping`, `spinner`, `passengers`, `author` and `Pinboard` do
 * not. As substrings they would mask half of an ordinary response.
 */
export const SENSITIVE_WORDS = ['pass', 'pin', 'otp', 'auth', 'credentials', 'creds', 'ssn', 'cvv', 'cvc'] as const;

// Names that carry credentials without containing one of the parts: a header map that
// ends up inside variables or a response must not leak through them either.
const SENSITIVE_EXACT = new Set(['authorization', 'proxyauthorization', 'cookie', 'setcookie']);

// Separators are dropped so `API_KEY`, `api-key`, `apiKey`, `pass_word` normalise alike.
const SEPARATORS = /[\s._-]+/g;

// An upper-case run (not swallowing the capital that starts the next hump), a word, or digits.
const NAME_PART = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g;

const WORDS: ReadonlySet<string> = new Set(SENSITIVE_WORDS);

// The same few dozen names recur on every request; caching saves the lower-casing and
// regex work on the hot path. Cleared when full so hostile input cannot grow it forever.
const CACHE_LIMIT = 2000;
const cache = new Map<string, boolean>();

// The same tests over free text, as a cheap way to tell that a text cannot hold a
// sensitive name so the costly work can be skipped. Substring parts tolerate separators
// between letters; words must start a name part (after a non-letter, or as a capital) and
// not run on in lower case. Both only ever say "maybe". One expression with explicit case
// classes costs half of two, or of the `i` flag.
const SEPARATOR_CLASS = '[\\s._-]*';
const SENSITIVE_IN_TEXT = new RegExp(
  [
    ...[...SENSITIVE_PARTS, 'authorization', 'cookie'].map((word) => [...word].map(anyCase).join(SEPARATOR_CLASS)),
    ...SENSITIVE_WORDS.map(wordInText),
  ].join('|'),
);

// `toLowerCase` turns the Kelvin sign into `k`, so `isSensitiveName` would count it as one.
function anyCase(ch: string): string {
  return ch === 'k' ? '[kK\u212A]' : `[${ch}${ch.toUpperCase()}]`;
}

function wordInText(word: string): string {
  const [first, ...rest] = word;
  const upper = first!.toUpperCase();
  return `(?:(?<![A-Za-z])[${first}${upper}]|${upper})${rest.map(anyCase).join('')}(?![a-z])`;
}

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
  const sensitive = computeSensitive(name);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(name, sensitive);
  return sensitive;
}

function computeSensitive(name: string): boolean {
  const normalised = normaliseName(name);
  if (SENSITIVE_EXACT.has(normalised)) return true;
  for (const part of SENSITIVE_PARTS) if (normalised.includes(part)) return true;
  const parts = name.match(NAME_PART);
  if (parts === null) return false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!.toLowerCase();
    if (!WORDS.has(part)) continue;
    // `apiCredentials` names this API's own credential records: their one secret field is
    // `secret` (masked by name) and their `key` values are reduced to hints (api-key.ts),
    // so masking the whole list would hide names, roles and dates for nothing.
    if (part === 'credentials' && parts[i - 1]?.toLowerCase() === 'api') continue;
    return true;
  }
  return false;
}

/**
 * Query parameters and headers also carry signatures (pre-signed Escher URLs put
 * `X-EMS-Signature` in the query string): replayable until they expire, so they are
 * masked there. Not applied to GraphQL data, where `signature` is usually business data.
 */
export function isSensitiveTransportName(name: string): boolean {
  return isSensitiveName(name) || normaliseName(name).endsWith('signature');
}
