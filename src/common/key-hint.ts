/**
 * What may be shown of a plain API key: it is a bearer credential, so only `***` plus the
 * last four characters, enough to tell keys apart. Keys of four characters or fewer would
 * be given away whole, so they become just `***`.
 */
export function apiKeyHint(key: string): string;
export function apiKeyHint(key: string | undefined): string | undefined;
export function apiKeyHint(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  return key.length <= 4 ? '***' : `***${key.slice(-4)}`;
}

/**
 * Recognises the API keys this server has issued, so the error log can reduce them to
 * hints wherever they turn up (a key pasted into a query, listed in a response).
 */
export interface KnownKeys {
  /** True for an issued key, active or revoked. */
  isKnownKey(candidate: string): boolean;
  /** The lengths of the issued keys: a candidate of any other length is not checked at all. */
  readonly keyLengths: ReadonlySet<number>;
}
