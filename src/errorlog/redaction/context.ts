/**
 * State shared by one redaction pass. `secrets` gathers the plain values removed so a
 * caller can scrub echoes of them elsewhere (e.g. an error message quoting the input);
 * `keys` gathers the API keys the request presented (X-Api-Key, `api_key`, a signature's
 * `Credential=`), whose echoes become hints rather than `***`; `masked` counts
 * replacements so callers can tell "nothing changed" and keep the original text byte for
 * byte instead of a re-serialised copy. `isKnownKey`, when given, recognises issued API
 * keys in decoded GraphQL string literals.
 */
export interface RedactionContext {
  readonly secrets: Set<string>;
  readonly keys: Set<string>;
  masked: number;
  readonly isKnownKey?: (candidate: string) => boolean;
}

export function createContext(isKnownKey?: (candidate: string) => boolean): RedactionContext {
  return { secrets: new Set<string>(), keys: new Set<string>(), masked: 0, ...(isKnownKey ? { isKnownKey } : {}) };
}

const MAX_COLLECT_DEPTH = 64;

/** Remembers every leaf of a value that is being masked whole. */
export function collectSecrets(value: unknown, ctx: RedactionContext, depth = 0, seen?: Set<object>): void {
  switch (typeof value) {
    case 'string':
      if (value !== '') ctx.secrets.add(value);
      return;
    case 'number':
    case 'bigint':
      // A numeric PIN can be echoed as text, so numbers are remembered in string form.
      ctx.secrets.add(String(value));
      return;
    case 'object': {
      if (value === null || depth >= MAX_COLLECT_DEPTH) return;
      const visited = seen ?? new Set<object>();
      if (visited.has(value)) return;
      visited.add(value);
      const children = Array.isArray(value) ? value : Object.values(value);
      for (const child of children) collectSecrets(child, ctx, depth + 1, visited);
      return;
    }
    default:
      return;
  }
}

export function addSecret(ctx: RedactionContext, secret: string): void {
  if (secret !== '') ctx.secrets.add(secret);
}

/** A key the request presented as its credential, known to the server or not. */
export function addPresentedKey(ctx: RedactionContext, key: string): void {
  if (key !== '') ctx.keys.add(key);
}
